using System.Data.Common;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Data;

namespace SupportChat.Server.Tests;

/// <summary>Fails the statements <see cref="Failure"/> answers an exception for, as the database would; none while it is null.</summary>
public sealed class FailingStatements : DbCommandInterceptor
{
    public volatile Func<string, Exception?>? Failure;

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (Failure?.Invoke(command.CommandText) is { } failure) throw failure;
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Failure?.Invoke(command.CommandText) is { } failure) throw failure;
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}

public sealed class FailingDatabaseServer : ServerFactory
{
    public FailingStatements Statements { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureDbContext<SqliteChatDb>(db => db.AddInterceptors(Statements)));
    }
}

/// <summary>
/// SignalR calls no OnDisconnectedAsync after an OnConnectedAsync that threw: a console whose start fails half-way
/// must leave no presence row behind (the heartbeat would keep it fresh, and the team "online", for good).
/// </summary>
public sealed class PresenceFailureTests(FailingDatabaseServer server) : IClassFixture<FailingDatabaseServer>
{
    [Fact]
    public async Task A_console_whose_connect_fails_after_its_row_is_stored_leaves_no_row_and_no_used_connection_slot()
    {
        var agentToken = await server.AgentToken();
        var closed = new TaskCompletionSource();
        server.Statements.Failure = sql => sql.Contains("LastAvailability", StringComparison.Ordinal) ? new InvalidOperationException("The database is unreachable (test).") : null;
        try
        {
            await using var console = server.Hub(agentToken);
            console.Closed += _ =>
            {
                closed.TrySetResult();
                return Task.CompletedTask;
            };
            try
            {
                await console.StartAsync();
            }
            catch (Exception)
            {
                closed.TrySetResult();
            }
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            server.Statements.Failure = null;
        }

        await using (var scope = server.Services.CreateAsyncScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ChatDb>().Presence.CountAsync());
        }
        // The failed connection gave its slot back: the cap still allows as many consoles as before.
        var cap = server.Services.GetRequiredService<SupportChatOptions>().MaxConnectionsPerUser;
        var consoles = new List<HubConnection>();
        try
        {
            for (var i = 0; i < cap; i++)
            {
                var console = server.Hub(agentToken);
                consoles.Add(console);
                await console.StartAsync();
                // An echo through the hub: a connection refused by the cap is closed before it answers.
                await console.InvokeAsync("SetAway", false);
            }
        }
        finally
        {
            foreach (var console in consoles) await console.DisposeAsync();
        }
    }
}

/// <summary>A rating the database could not store is not "rated already": only a stored rating makes the 409.</summary>
public sealed class RatingFailureTests(FailingDatabaseServer server) : IClassFixture<FailingDatabaseServer>
{
    [Fact]
    public async Task A_rating_refused_by_a_busy_database_is_not_answered_as_rated_already_and_can_be_sent_again()
    {
        var visitor = await server.NewVisitor();
        (await server.ClientWith(await server.AgentToken()).PostAsync($"/chats/{visitor.GroupId}/resolve", null)).EnsureSuccessStatusCode();
        var client = server.ClientWith(visitor.Token);
        var rating = $"/chats/{visitor.GroupId}/rating";

        server.Statements.Failure = sql => sql.Contains("INSERT INTO \"Ratings\"", StringComparison.Ordinal)
            ? new Microsoft.Data.Sqlite.SqliteException("database is locked", 5)
            : null;
        HttpResponseMessage busy;
        try
        {
            busy = await client.PostAsJsonAsync(rating, new { score = 5 });
        }
        finally
        {
            server.Statements.Failure = null;
        }
        Assert.NotEqual(System.Net.HttpStatusCode.Conflict, busy.StatusCode);
        Assert.False(busy.IsSuccessStatusCode);

        (await client.PostAsJsonAsync(rating, new { score = 5 })).EnsureSuccessStatusCode();
    }
}
