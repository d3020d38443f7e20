using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Data;

namespace SupportChat.Server.Tests;

/// <summary>
/// The SQLite settings that decide how many messages a second one server stores: WAL, no fsync per commit
/// (<c>synchronous=NORMAL</c>) and a busy writer waited for inside SQLite. The last two live per connection,
/// so they are read back on a connection the server opens for a request.
/// </summary>
public sealed class SqliteSettingsTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_connection_the_server_opens_writes_in_wal_without_an_fsync_per_commit_and_waits_for_a_busy_writer()
    {
        await factory.NewVisitor();
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        Assert.Equal("wal", await Scalar(connection, "PRAGMA journal_mode;"));
        // 1 is NORMAL; SQLite's default is 2, FULL.
        Assert.Equal(1L, await Scalar(connection, "PRAGMA synchronous;"));
        Assert.Equal(10_000L, await Scalar(connection, "PRAGMA busy_timeout;"));
    }

    private static async Task<object?> Scalar(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
