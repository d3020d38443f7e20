using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SupportChat.Server.Data;

/// <summary>The embedded store for one machine (the default).</summary>
public sealed class SqliteChatDb(DbContextOptions<SqliteChatDb> options) : ChatDb(options);

/// <summary>The shared store for several servers (<c>SUPPORTCHAT_POSTGRES</c>).</summary>
public sealed class PostgresChatDb(DbContextOptions<PostgresChatDb> options) : ChatDb(options);

public static class ChatDbRegistration
{
    /// <summary>
    /// PostgreSQL when a connection string is configured, else SQLite in the database file. Both are
    /// registered and the choice is made when first asked, from settings that are complete only then.
    /// </summary>
    public static IServiceCollection AddChatDb(this IServiceCollection services)
    {
        services.AddDbContext<SqliteChatDb>((sp, db) => db.UseSqlite($"Data Source={sp.GetRequiredService<SupportChatOptions>().Database}"));
        services.AddDbContext<PostgresChatDb>((sp, db) => db.UseNpgsql(sp.GetRequiredService<SupportChatOptions>().Postgres));
        return services.AddScoped<ChatDb>(sp => sp.GetRequiredService<SupportChatOptions>().Postgres.Length > 0
            ? sp.GetRequiredService<PostgresChatDb>()
            : sp.GetRequiredService<SqliteChatDb>());
    }
}

/// <summary>For <c>dotnet ef migrations add … --context SqliteChatDb</c>: no app start, no configuration needed.</summary>
public sealed class SqliteChatDbFactory : IDesignTimeDbContextFactory<SqliteChatDb>
{
    public SqliteChatDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteChatDb>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>For <c>dotnet ef migrations add … --context PostgresChatDb</c>: the connection is never opened.</summary>
public sealed class PostgresChatDbFactory : IDesignTimeDbContextFactory<PostgresChatDb>
{
    public PostgresChatDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresChatDb>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
