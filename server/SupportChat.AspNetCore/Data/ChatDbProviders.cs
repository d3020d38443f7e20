using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

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
        // Pooled: a request takes a context made before instead of building one (its services, change
        // tracker, connection object) per request. ChatDb keeps no state of its own to carry across.
        services.AddDbContextPool<SqliteChatDb>((sp, db) => Quiet(db.UseSqlite($"Data Source={sp.GetRequiredService<SupportChatOptions>().Database}")
            .AddInterceptors(SqliteWritePragmas.Instance)));
        services.AddDbContextPool<PostgresChatDb>((sp, db) => Quiet(db.UseNpgsql(sp.GetRequiredService<SupportChatOptions>().Postgres)));
        return services.AddScoped<ChatDb>(sp => sp.GetRequiredService<SupportChatOptions>().Postgres.Length > 0
            ? sp.GetRequiredService<PostgresChatDb>()
            : sp.GetRequiredService<SqliteChatDb>());
    }

    /// <summary>
    /// A failed statement or save is logged by EF as an error with its stack, then thrown. Thrown is enough:
    /// a send's retry is answered through the unique index's refusal (as are other races: a second rating, a
    /// taken email), which is no error; and a failure nobody handles is logged with the same stack where it
    /// lands (ASP.NET Core for a request, the hub filter, a background service's own catch). So every catch of
    /// <see cref="DbUpdateException"/> here throws on what is not the race it expects, never a stand-in.
    /// </summary>
    private static DbContextOptionsBuilder Quiet(DbContextOptionsBuilder db) => db.ConfigureWarnings(events => events.Log(
        (RelationalEventId.CommandError, LogLevel.Information),
        (CoreEventId.SaveChangesFailed, LogLevel.Information)));
}

/// <summary>
/// In WAL mode (set by <see cref="Seed"/>), <c>synchronous=NORMAL</c> drops the fsync on every commit, the
/// cost that held SQLite to about 100 stored messages a second (and queued sends for seconds behind it): a
/// commit survives a crash of the process and is durable at the next checkpoint; only a power cut can lose
/// the last ones, never corrupt the file. <c>busy_timeout</c> lets a writer that finds another one writing
/// wait in SQLite's own short steps, where Microsoft.Data.Sqlite would otherwise retry after sleeping 150 ms.
/// SQLite keeps both per connection, so they are set on each one opened: once, as Microsoft.Data.Sqlite hands
/// the same pooled connection to open after open (two or three a send), and each time would be one more statement.
/// </summary>
public sealed class SqliteWritePragmas : DbConnectionInterceptor
{
    public static readonly SqliteWritePragmas Instance = new();
    private const string Pragma = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";

    /// <summary>The SQLite connections (handles, which a pooled connection keeps) set already; gone with them.</summary>
    private readonly ConditionalWeakTable<sqlite3, object> set = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsSet(connection)) return;
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
        Remember(connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsSet(connection)) return;
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
        Remember(connection);
    }

    private bool IsSet(DbConnection connection) => connection is SqliteConnection { Handle: { } handle } && set.TryGetValue(handle, out _);

    private void Remember(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) set.TryAdd(handle, this);
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
