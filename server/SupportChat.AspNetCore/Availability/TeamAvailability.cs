using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Data;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Availability;

/// <summary>
/// The <c>Availability</c> push and the <c>availability</c> of <c>GET /chats/{id}/state</c>: whether someone
/// is there now, and if not because the hours are closed, when they open (UTC).
/// </summary>
public sealed record AvailabilityDto(bool Online, DateTime? NextOpenAt);

/// <summary>
/// Whether the team is there: within business hours, and at least one agent has a hub connection open (a
/// console) without having set themselves away. Consoles are rows in the database (<see cref="AgentPresence"/>),
/// so every instance behind a backplane answers the same; each instance refreshes its own rows every
/// <see cref="Heartbeat"/>, and rows older than <see cref="Expiry"/> (an instance that died) stop counting.
/// The database rather than Redis: every set of instances shares one already, with a Redis backplane, with
/// Azure SignalR Service or with none, and the package needs nothing more.
/// Watchers on every instance hear each change once (<see cref="AnnounceAsync"/>), including the hours opening
/// and closing by themselves and a dead instance's consoles expiring.
/// </summary>
public sealed class TeamAvailability : IHostedService, IDisposable
{
    /// <summary>How long a console counts without its instance refreshing it: at most this after a crash, visitors hear it.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);

    /// <summary>Well inside <see cref="Expiry"/>: a heartbeat late by a slow database or a paused process does not drop a console.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    private readonly IHubContext<GroupChatHub> hub;
    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider clock;
    private readonly ILogger<TeamAvailability> log;
    private readonly BusinessHours hours;
    private readonly Lock gate = new();
    private ITimer? edge;
    private ITimer? heartbeat;
    private Task? leaving;
    private readonly InFlight running = new();

    /// <summary>This instance, in the rows of the consoles connected to it.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public TeamAvailability(
        IHubContext<GroupChatHub> hub, IServiceScopeFactory scopes, SupportChatOptions options, TimeProvider clock, ILogger<TeamAvailability> log)
    {
        this.hub = hub;
        this.scopes = scopes;
        this.clock = clock;
        this.log = log;
        var (parsed, error) = BusinessHours.Parse(options.Hours, options.TimeZone);
        hours = parsed ?? throw new InvalidOperationException(error);
    }

    /// <summary>
    /// What watchers were last told may be old (every instance was down while the hours closed): it is brought
    /// up to date first, or the next edge would find nothing to announce.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await InBackground(db => AnnounceAsync(db, cancellationToken));
        lock (gate)
        {
            ArmEdge();
            heartbeat = clock.CreateTimer(_ => running.Add(InBackground(BeatAsync)), null, Heartbeat, Heartbeat);
        }
    }

    /// <summary>A server stopping on purpose takes its consoles with it now, rather than after the expiry.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may stop twice, even at once: the app's Run stops it when its lifetime says stopping, while a
        // test or a Windows service is stopping it too. Every caller waits for the one leave, so none disposes
        // the services under it; a later call, with the services gone, finds it done.
        // Run outside the lock: SQLite's "async" calls are synchronous, and a second caller would block a thread.
        lock (gate) return leaving ??= Task.Run(() => LeaveAsync(cancellationToken), CancellationToken.None);
    }

    private async Task LeaveAsync(CancellationToken cancellationToken)
    {
        ITimer? beats, next;
        lock (gate)
        {
            (beats, next) = (heartbeat, edge);
            (heartbeat, edge) = (null, null);
        }
        if (beats is null) return;
        // A timer's disposal waits for a callback under way, which has then handed its work to running: a beat or
        // an announcement begun before the stop ends before the rows are deleted and the services disposed.
        await beats.DisposeAsync();
        if (next is not null) await next.DisposeAsync();
        await running.WhenAll();
        await InBackground(async db =>
        {
            if (await db.Presence.Where(p => p.InstanceId == InstanceId).ExecuteDeleteAsync(cancellationToken) > 0) await AnnounceAsync(db, cancellationToken);
        });
    }

    /// <summary>What is true now, from every instance's consoles.</summary>
    public async Task<AvailabilityDto> CurrentAsync(ChatDb db, CancellationToken cancel = default)
    {
        var now = clock.GetUtcNow();
        if (!hours.IsOpen(now)) return new AvailabilityDto(false, hours.NextOpening(now)?.UtcDateTime);
        var since = Since(now);
        return new AvailabilityDto(await db.Presence.AnyAsync(p => !p.Away && p.LastSeen > since, cancel), null);
    }

    /// <summary>A new console of an agent who is away on another one is away too: away is the agent's, not the console's.</summary>
    public async Task AgentConnectedAsync(ChatDb db, string connectionId, int agentId)
    {
        var now = clock.GetUtcNow();
        var since = Since(now);
        var away = await db.Presence.AnyAsync(p => p.UserId == agentId && p.Away && p.LastSeen > since);
        db.Presence.Add(new AgentPresence { ConnectionId = connectionId, UserId = agentId, InstanceId = InstanceId, Away = away, LastSeen = now.UtcDateTime });
        await db.SaveChangesAsync();
        await AnnounceAsync(db);
    }

    /// <summary>The agent's last console gone, their rows are gone, away with them: the next console starts online.</summary>
    public async Task AgentDisconnectedAsync(ChatDb db, string connectionId)
    {
        await db.Presence.Where(p => p.ConnectionId == connectionId).ExecuteDeleteAsync();
        await AnnounceAsync(db);
    }

    /// <summary>For every console of the agent, on whichever instance.</summary>
    public async Task SetAwayAsync(ChatDb db, int agentId, bool isAway)
    {
        await db.Presence.Where(p => p.UserId == agentId).ExecuteUpdateAsync(p => p.SetProperty(x => x.Away, isAway));
        await AnnounceAsync(db);
    }

    /// <summary>
    /// Pushes what is true now if it is not what watchers were last told. The instance first takes the
    /// <see cref="AnnouncedAvailability"/> row (an update, which holds it until the commit), so instances
    /// announce one at a time: the second one to see a change finds it told already, and a push is published
    /// before the next instance may read, so watchers hear the changes in order.
    /// </summary>
    private async Task AnnounceAsync(ChatDb db, CancellationToken cancel = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancel);
        var told = db.LastAvailability.Where(a => a.Id == AnnouncedAvailability.TheRow);
        await told.ExecuteUpdateAsync(a => a.SetProperty(x => x.Online, x => x.Online), cancel);
        var last = await told.AsNoTracking().Select(a => new AvailabilityDto(a.Online, a.NextOpenAt)).SingleAsync(cancel);
        var now = await CurrentAsync(db, cancel);
        if (now == last) return;
        await told.ExecuteUpdateAsync(a => a.SetProperty(x => x.Online, now.Online).SetProperty(x => x.NextOpenAt, now.NextOpenAt), cancel);
        await PushAsync(now);
        await transaction.CommitAsync(cancel);
    }

    /// <summary>This instance's consoles are still there; a dead instance's are swept, and watchers told if that changes anything.</summary>
    private async Task BeatAsync(ChatDb db)
    {
        var now = clock.GetUtcNow();
        var since = Since(now);
        await db.Presence.Where(p => p.InstanceId == InstanceId).ExecuteUpdateAsync(p => p.SetProperty(x => x.LastSeen, now.UtcDateTime));
        if (await db.Presence.Where(p => p.LastSeen <= since).ExecuteDeleteAsync() > 0) await AnnounceAsync(db);
    }

    private static DateTime Since(DateTimeOffset now) => (now - Expiry).UtcDateTime;

    /// <summary>A timer for the next time the hours open or close; it announces the change and arms the next.</summary>
    private void ArmEdge()
    {
        if (hours.NextChange(clock.GetUtcNow()) is not { } next) return;
        var due = next - clock.GetUtcNow();
        edge?.Dispose();
        edge = clock.CreateTimer(_ => running.Add(InBackground(async db =>
        {
            await AnnounceAsync(db);
            lock (gate) if (heartbeat is not null) ArmEdge();
        })), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Work of a timer, in a scope of its own; a failure is logged, and the next beat tries again.</summary>
    private async Task InBackground(Func<ChatDb, Task> work)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await work(scope.ServiceProvider.GetRequiredService<ChatDb>());
        }
        catch (Exception error)
        {
            log.LogWarning(error, "Could not bring agents' presence up to date.");
        }
    }

    private async Task PushAsync(AvailabilityDto availability)
    {
        try
        {
            await hub.Clients.Group(GroupChatHub.AvailabilityWatchers).SendAsync(GroupChatHub.Availability, availability, CancellationToken.None);
        }
        catch (Exception error)
        {
            log.LogWarning(error, "Could not push Availability.");
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            edge?.Dispose();
            heartbeat?.Dispose();
            (heartbeat, edge) = (null, null);
        }
    }
}
