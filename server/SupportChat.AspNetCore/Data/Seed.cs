using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace SupportChat.Server.Data;

/// <summary>
/// Brings the database up to date (migrations) and makes the configured agent the only one: it can sign
/// in, and agents configured before it no longer can.
/// </summary>
public static class Seed
{
    /// <summary>Answers why the server must not start (the agent email is someone else's account), or null.</summary>
    public static async Task<string?> RunAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var options = scope.ServiceProvider.GetRequiredService<SupportChatOptions>();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();

        if (db.Database.IsSqlite())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(options.Database)!);
        }
        if (db.Database.GetMigrations().Any())
        {
            // Several instances may start at once on one PostgreSQL: EF Core takes a lock around migrating.
            await db.Database.MigrateAsync();
        }
        else
        {
            // An app's own DbContext (UseDbContext) that has no migrations yet: its tables are made as they are.
            await db.Database.EnsureCreatedAsync();
        }
        if (await MissingTables(db) is { } missing) return missing;
        if (db.Database.IsSqlite())
        {
            // WAL lets history reads run while a message is being written.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        var email = options.AgentEmail.Trim().ToLowerInvariant();
        var agent = await db.Users.FirstOrDefaultAsync(u => u.Email == email);
        if (agent is not null && agent.Role is not (Roles.Agent or Roles.FormerAgent))
        {
            // Promoting it would hand every conversation to whoever registered that email, under their own name.
            return $"Refusing to start: {email} already belongs to a {agent.Role} account; choose another SupportChat:AgentEmail (SUPPORTCHAT_AGENT_EMAIL).";
        }

        // Their messages stay; their rights and their password go, so the old email can neither act nor sign in.
        // Agents the app names (SupportChatUsers) are the app's to decide, at each session.
        await db.Users
            .Where(u => u.Role == Roles.Agent && u.Email != email && u.AppUserId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Role, Roles.FormerAgent).SetProperty(x => x.PasswordHash, (string?)null));

        if (agent is null)
        {
            agent = new User { Name = options.AgentName, Email = email, Role = Roles.Agent };
            db.Users.Add(agent);
        }
        agent.Role = Roles.Agent;
        agent.PasswordHash = hasher.HashPassword(agent, options.AgentPassword);
        await db.SaveChangesAsync();
        return null;
    }

    /// <summary>
    /// EnsureCreated makes no table in a database that has some already (an app's own, with its own tables),
    /// and an app's migrations may not have the chat's: said here, not as "no such table" at the first visitor.
    /// </summary>
    private static async Task<string?> MissingTables(ChatDb db)
    {
        try
        {
            await db.Users.AnyAsync();
            await db.Groups.AnyAsync();
            await db.Chats.AnyAsync();
            // Without them no agent's console could connect.
            await db.Presence.AnyAsync();
            await db.LastAvailability.AnyAsync();
            return null;
        }
        catch (System.Data.Common.DbException)
        {
            return $"Refusing to start: the database of {db.GetType().Name} has no chat tables (Users, Groups, Chats, Presence, LastAvailability). "
                + "Add a migration that makes them (dotnet ef migrations add SupportChat), "
                + "or leave out UseDbContext and let the package keep the chat in a database of its own.";
        }
    }
}
