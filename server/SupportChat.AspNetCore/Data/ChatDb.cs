using Microsoft.EntityFrameworkCore;

namespace SupportChat.Server.Data;

public static class Roles
{
    public const string Agent = "agent";
    public const string Visitor = "visitor";
    public const string User = "user";

    /// <summary>An agent no longer configured: no rights, no password; kept so their messages keep their name.</summary>
    public const string FormerAgent = "former-agent";
}

public sealed class User
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public string? PasswordHash { get; set; }
    public required string Role { get; set; }
    public string? AvatarUrl { get; set; }

    /// <summary>SHA-256 of the secret in a returning visitor's HttpOnly cookie.</summary>
    public string? VisitorKeyHash { get; set; }

    /// <summary>
    /// The app's own id for a user its sign-in vouched for (<c>SupportChatUsers</c>): how they are found
    /// again. Never matched to <see cref="Email"/>, which anyone may register first.
    /// </summary>
    public string? AppUserId { get; set; }
}

public sealed class Group
{
    public int Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The visitor or user whose conversation this is; agents see every group.</summary>
    public int? OwnerUserId { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Whether an agent resolved the conversation and no visitor wrote since.</summary>
    public bool Resolved { get; set; }

    /// <summary>How many times it was resolved: a rating belongs to one resolution, the latest.</summary>
    public int Resolutions { get; set; }

    public DateTime? ResolvedAt { get; set; }
    public int? ResolvedById { get; set; }
    public DateTime? ReopenedAt { get; set; }
    public int? ReopenedById { get; set; }

    /// <summary>Where the visitor asked to be answered when nobody was there; shown to agents, never mailed (yet).</summary>
    public string? ContactEmail { get; set; }

    public const int MaxEmail = 254;

    /// <summary>The agent who took the conversation ("assign to me"), or null.</summary>
    public int? AssigneeId { get; set; }

    /// <summary>What the visitor's widget said of them (<c>POST /visitors</c>): the page (origin and path only), IANA zone, language tag.</summary>
    public string? PageUrl { get; set; }
    public string? VisitorTimeZone { get; set; }
    public string? VisitorLanguage { get; set; }

    public const int MaxPageUrl = 512;
    public const int MaxTimeZone = 64;
    public const int MaxLanguage = 35;
}

/// <summary>A visitor's rating of one resolution of their conversation: at most one each (unique index).</summary>
public sealed class Rating
{
    public int Id { get; set; }
    public int GroupId { get; set; }
    public int Resolution { get; set; }
    public int UserId { get; set; }
    public int Score { get; set; }
    public string? Comment { get; set; }
    public DateTime CreatedAt { get; set; }

    public const int MaxComment = 1000;
}

/// <summary>How far one reader has read one conversation: the newest message id they saw. Only moves forward.</summary>
public sealed class ReadMark
{
    public int GroupId { get; set; }
    public int UserId { get; set; }
    public int LastId { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class Chat
{
    public int Id { get; set; }
    public int GroupId { get; set; }
    public int UserId { get; set; }
    public User? User { get; set; }
    public required string Message { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The sender's id for this message, so a repeated send returns the stored one.</summary>
    public string? ClientMessageId { get; set; }

    /// <summary>
    /// <see cref="MessageFormats.Markdown"/> for an agent's formatted message; null for plain text, so every
    /// message stored before formats existed reads as what it was.
    /// </summary>
    public string? Format { get; set; }

    public List<ChatFile> Attachments { get; set; } = [];
}

/// <summary>
/// An uploaded file: who uploaded it to which conversation, and the message it is attached to once sent
/// (null until then). The bytes are in the file store under <see cref="Id"/>; <see cref="Name"/> is for display only.
/// </summary>
public sealed class ChatFile
{
    public required string Id { get; set; }
    public int GroupId { get; set; }
    public int UploaderId { get; set; }
    public int? ChatId { get; set; }
    public required string Name { get; set; }
    public long Size { get; set; }

    /// <summary>The type found in the content, never the one the uploader declared.</summary>
    public required string ContentType { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// One agent's console (hub connection) on one server instance, so every instance counts the same consoles.
/// Its instance refreshes <see cref="LastSeen"/> on a heartbeat; a row not refreshed within the expiry is an
/// instance that died without saying so, and no longer counts (<c>TeamAvailability</c>).
/// </summary>
public sealed class AgentPresence
{
    public required string ConnectionId { get; set; }
    public int UserId { get; set; }
    public required string InstanceId { get; set; }

    /// <summary>The agent set themselves away: the same on every row of theirs, wherever the console is.</summary>
    public bool Away { get; set; }

    public DateTime LastSeen { get; set; }

    public const int MaxConnectionId = 64;
    public const int MaxInstanceId = 32;
}

/// <summary>
/// The one row saying what watchers were last told (<c>Availability</c>): an instance pushes a change only if
/// it differs from this, and updates it in the same transaction, so two instances never push one change twice.
/// </summary>
public sealed class AnnouncedAvailability
{
    public const int TheRow = 1;

    public int Id { get; set; }
    public bool Online { get; set; }
    public DateTime? NextOpenAt { get; set; }
}

/// <summary>The values of a message's <c>format</c> on the wire.</summary>
public static class MessageFormats
{
    public const string Text = "text";
    public const string Markdown = "markdown";
}

/// <summary>
/// The chat store. Its two providers, SQLite for one machine and PostgreSQL for several, each have a
/// subclass of their own (<c>ChatDbProviders.cs</c>) so each keeps its own migrations.
/// </summary>
public abstract class ChatDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<Chat> Chats => Set<Chat>();
    public DbSet<ChatFile> Files => Set<ChatFile>();
    public DbSet<Rating> Ratings => Set<Rating>();
    public DbSet<ReadMark> ReadMarks => Set<ReadMark>();
    public DbSet<AgentPresence> Presence => Set<AgentPresence>();
    public DbSet<AnnouncedAvailability> LastAvailability => Set<AnnouncedAvailability>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Email).IsUnique();
        model.Entity<User>().HasIndex(u => u.VisitorKeyHash).IsUnique();
        model.Entity<User>().HasIndex(u => u.AppUserId).IsUnique();
        model.Entity<Group>().HasIndex(g => g.OwnerUserId);
        model.Entity<Chat>().HasIndex(c => new { c.GroupId, c.Id });
        model.Entity<Chat>().HasIndex(c => new { c.UserId, c.ClientMessageId }).IsUnique();
        model.Entity<ChatFile>().ToTable("ChatFiles").Property(f => f.Id).HasMaxLength(32);
        model.Entity<ChatFile>().HasOne<Chat>().WithMany(c => c.Attachments).HasForeignKey(f => f.ChatId);
        model.Entity<ChatFile>().HasIndex(f => new { f.ChatId, f.CreatedAt });
        model.Entity<Rating>().HasIndex(r => new { r.GroupId, r.Resolution }).IsUnique();
        model.Entity<Rating>().Property(r => r.Comment).HasMaxLength(Rating.MaxComment);
        model.Entity<ReadMark>().HasKey(m => new { m.GroupId, m.UserId });
        model.Entity<Group>().Property(g => g.ContactEmail).HasMaxLength(Group.MaxEmail);
        model.Entity<Group>().Property(g => g.PageUrl).HasMaxLength(Group.MaxPageUrl);
        model.Entity<Group>().Property(g => g.VisitorTimeZone).HasMaxLength(Group.MaxTimeZone);
        model.Entity<Group>().Property(g => g.VisitorLanguage).HasMaxLength(Group.MaxLanguage);
        model.Entity<AgentPresence>().HasKey(p => p.ConnectionId);
        model.Entity<AgentPresence>().Property(p => p.ConnectionId).HasMaxLength(AgentPresence.MaxConnectionId);
        model.Entity<AgentPresence>().Property(p => p.InstanceId).HasMaxLength(AgentPresence.MaxInstanceId);
        model.Entity<AgentPresence>().HasIndex(p => p.InstanceId);
        model.Entity<AgentPresence>().HasIndex(p => p.UserId);
        model.Entity<AnnouncedAvailability>().Property(a => a.Id).ValueGeneratedNever();
        // The row exists from the migration on: an instance takes it (an update) before it reads or announces.
        model.Entity<AnnouncedAvailability>().HasData(new AnnouncedAvailability { Id = AnnouncedAvailability.TheRow });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // SQLite keeps no DateTimeKind; everything stored is UTC, so say so on the way out and the
        // JSON carries a trailing "Z".
        conventions.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        v => v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
