using Microsoft.AspNetCore.SignalR;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Availability;

/// <summary>
/// The <c>Availability</c> push and the <c>availability</c> of <c>GET /chats/{id}/state</c>: whether someone
/// is there now, and if not because the hours are closed, when they open (UTC).
/// </summary>
public sealed record AvailabilityDto(bool Online, DateTime? NextOpenAt);

/// <summary>
/// Whether the team is there: within business hours, and at least one agent has a hub connection open (a
/// console) without having set themselves away. Watchers hear each change once, including the hours opening
/// and closing by themselves. Presence is what this instance sees: with several instances behind a backplane,
/// an agent counts only on the instance their console is connected to.
/// </summary>
public sealed class TeamAvailability : IDisposable
{
    private readonly IHubContext<GroupChatHub> hub;
    private readonly TimeProvider clock;
    private readonly ILogger<TeamAvailability> log;
    private readonly BusinessHours hours;
    private readonly Dictionary<int, int> consoles = [];
    private readonly HashSet<int> away = [];
    private readonly Lock gate = new();
    private AvailabilityDto? announced;
    private ITimer? edge;

    public TeamAvailability(IHubContext<GroupChatHub> hub, SupportChatOptions options, TimeProvider clock, ILogger<TeamAvailability> log)
    {
        this.hub = hub;
        this.clock = clock;
        this.log = log;
        var (parsed, error) = BusinessHours.Parse(options.Hours, options.TimeZone);
        hours = parsed ?? throw new InvalidOperationException(error);
        lock (gate)
        {
            announced = Compute();
            ArmEdge();
        }
    }

    public AvailabilityDto Current()
    {
        lock (gate) return Compute();
    }

    public Task AgentConnectedAsync(int agentId) => Change(() => consoles[agentId] = consoles.GetValueOrDefault(agentId) + 1);

    /// <summary>The last console gone, the agent is no longer away either: the next console starts online.</summary>
    public Task AgentDisconnectedAsync(int agentId) => Change(() =>
    {
        if (consoles.GetValueOrDefault(agentId) > 1)
        {
            consoles[agentId]--;
            return;
        }
        consoles.Remove(agentId);
        away.Remove(agentId);
    });

    public Task SetAwayAsync(int agentId, bool isAway) => Change(() =>
    {
        if (isAway) away.Add(agentId);
        else away.Remove(agentId);
    });

    private Task Change(Action change)
    {
        AvailabilityDto now;
        lock (gate)
        {
            change();
            now = Compute();
            if (now == announced) return Task.CompletedTask;
            announced = now;
        }
        return PushAsync(now);
    }

    private AvailabilityDto Compute()
    {
        var now = clock.GetUtcNow();
        if (!hours.IsOpen(now)) return new AvailabilityDto(false, hours.NextOpening(now)?.UtcDateTime);
        return new AvailabilityDto(consoles.Keys.Any(id => !away.Contains(id)), null);
    }

    /// <summary>A timer for the next time the hours open or close; it announces the change and arms the next.</summary>
    private void ArmEdge()
    {
        if (hours.NextChange(clock.GetUtcNow()) is not { } next) return;
        var due = next - clock.GetUtcNow();
        edge?.Dispose();
        edge = clock.CreateTimer(_ => _ = Change(ArmEdge), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
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

    public void Dispose() => edge?.Dispose();
}
