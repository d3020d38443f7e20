using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Data;

namespace SupportChat.Server.Tests;

/// <summary>Fails every statement on the announced-availability row while <see cref="Failing"/> is set.</summary>
public sealed class FailingAnnouncements : DbCommandInterceptor
{
    public volatile bool Failing;

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (Failing && command.CommandText.Contains("LastAvailability", StringComparison.Ordinal)) throw new InvalidOperationException("The database is unreachable (test).");
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }
}

public sealed class FailingAnnouncementServer : ServerFactory
{
    public FailingAnnouncements Announcements { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureDbContext<SqliteChatDb>(db => db.AddInterceptors(Announcements)));
    }
}

/// <summary>
/// SignalR calls no OnDisconnectedAsync after an OnConnectedAsync that threw: a console whose start fails half-way
/// must leave no presence row behind (the heartbeat would keep it fresh, and the team "online", for good).
/// </summary>
public sealed class PresenceFailureTests(FailingAnnouncementServer server) : IClassFixture<FailingAnnouncementServer>
{
    [Fact]
    public async Task A_console_whose_connect_fails_after_its_row_is_stored_leaves_no_row_and_no_used_connection_slot()
    {
        var agentToken = await server.AgentToken();
        var closed = new TaskCompletionSource();
        server.Announcements.Failing = true;
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
            server.Announcements.Failing = false;
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
