using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SupportChat.Server.Auth;
using SupportChat.Server.Availability;
using SupportChat.Server.Conversations;
using SupportChat.Server.Data;
using SupportChat.Server.Telemetry;

namespace SupportChat.Server.Hubs;

/// <summary>
/// The seed's hub, with the one thing it left open for browsers: a connection may only join a
/// conversation its user is allowed to see. Messages are pushed by <c>POST /chats/{groupId}</c>.
/// </summary>
[Authorize(Policy = SupportChatAuth.Policy)]
public sealed class GroupChatHub(
    ConversationAccess access, ConnectionsPerUser connections, SupportChatOptions options, TimeProvider clock, SupportChatMetrics metrics,
    ReadReceipts receipts, TeamAvailability team, ChatDb db, ILogger<GroupChatHub> log) : Hub
{
    public const string Path = "/hubs/groupchat";
    public const string ReceiveMessage = "ReceiveMessage";
    public const string UserTyping = "UserTyping";
    public const string ConversationStarted = "ConversationStarted";
    public const string ConversationMessage = "ConversationMessage";
    public const string ConversationState = "ConversationState";
    public const string ReadUpTo = "ReadUpTo";
    public const string ConversationAssigned = "ConversationAssigned";
    public const string ConversationContact = "ConversationContact";
    public const string Availability = "Availability";

    /// <summary>The connections that asked to hear <c>Availability</c> (<see cref="WatchAvailability"/>).</summary>
    public const string AvailabilityWatchers = "availability";

    /// <summary>Not a number, so no conversation's group can have this name.</summary>
    public const string AgentsGroup = "agents";

    public sealed record TypingDto(int GroupId, int UserId, string Name);

    /// <summary>Items kept per connection: whether it counts towards its user's cap, and when it last typed.</summary>
    private const string Counted = "counted";
    private const string TypedAt = "typed-at";

    /// <summary>Items kept per connection: the conversations it joined, and whether it watches every conversation.</summary>
    private const string Joined = "joined";
    private const string Watching = "watching";

    /// <summary>The conversations this connection may mark read, known from a join or an earlier mark: a flood asks the database once.</summary>
    private const string MayMark = "may-mark";

    /// <summary>A user's connection past the cap is closed at once; the ones already open are untouched.</summary>
    public override async Task OnConnectedAsync()
    {
        var userId = Context.User!.UserId()!.Value;
        if (connections.TryAdd(userId, options.MaxConnectionsPerUser))
        {
            Context.Items[Counted] = true;
            metrics.Connected();
        }
        else
        {
            log.LogWarning("Refused a hub connection for user {UserId}: already {Cap} open.", userId, options.MaxConnectionsPerUser);
            Context.Abort();
            return;
        }
        if (!Context.User!.IsAgent()) return;
        // An agent's connection is a console: the team is there while one is open (and its agent not away).
        try
        {
            await team.AgentConnectedAsync(db, Context.ConnectionId, userId);
        }
        catch
        {
            // SignalR calls no OnDisconnectedAsync after an OnConnectedAsync that threw: undone here, or the
            // agent's connection slot would stay taken, and a stored console row, kept fresh by this instance's
            // heartbeat, would say the team is there for as long as the instance runs.
            try
            {
                await OnDisconnectedAsync(null);
            }
            catch (Exception undo)
            {
                log.LogWarning(undo, "Could not undo the failed start of agent {UserId}'s console.", userId);
            }
            throw;
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.ContainsKey(Counted))
        {
            var userId = Context.User!.UserId()!.Value;
            connections.Remove(userId);
            metrics.Disconnected();
            if (Context.User!.IsAgent()) await team.AgentDisconnectedAsync(db, Context.ConnectionId);
        }
    }

    /// <summary>
    /// The extension for availability: answers whether someone is there now (<c>{ online, nextOpenAt }</c>) and
    /// from now on pushes <c>Availability</c> to this connection whenever that changes. Opt-in, so a client that
    /// knows nothing of it is sent nothing it has no handler for.
    /// </summary>
    public async Task<AvailabilityDto> WatchAvailability()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, AvailabilityWatchers);
        return await team.CurrentAsync(db, Context.ConnectionAborted);
    }

    /// <summary>Agents only: away (true) counts as not there even with a console open; false is back. For all of the agent's consoles, on every instance.</summary>
    public Task SetAway(bool away)
    {
        if (!Context.User!.IsAgent()) throw new HubException("Only agents may set themselves away.");
        return team.SetAwayAsync(db, Context.User!.UserId()!.Value, away);
    }

    public async Task JoinGroup(string groupId)
    {
        using var span = SupportChatMetrics.Traces.StartActivity("support_chat.join");
        // The number only: what a caller typed instead of one is theirs, and traces are exported and kept.
        var isNumber = int.TryParse(groupId, out var id);
        if (isNumber) span?.SetTag("support_chat.group_id", id);
        if (!isNumber || !await access.CanAccessAsync(Context.User!, id, Context.ConnectionAborted))
        {
            metrics.JoinRefused();
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "refused");
            // The message of a HubException reaches the client as is; any other exception's does not.
            throw new HubException($"You may not join conversation {Named(groupId)}.");
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(id));
        if (Context.User!.IsAgent()) await Groups.AddToGroupAsync(Context.ConnectionId, AgentsIn(id));
        // A console watching every conversation hears each state as a watcher already.
        if (!Context.Items.ContainsKey(Watching)) await Groups.AddToGroupAsync(Context.ConnectionId, StateListeners(id));
        Set(Joined).Add(id);
        Set(MayMark).Add(id);
    }

    /// <summary>
    /// The extension for read receipts: the caller has seen the conversation up to message <paramref name="lastId"/>.
    /// Stored as one mark per reader that only moves forward; <c>ReadUpTo</c> is pushed to the conversation at
    /// most once per reader per interval (<see cref="ReadReceipts"/>). A mark that does not move is dropped
    /// without a word; a conversation the caller may not see is refused.
    /// </summary>
    public async Task MarkRead(string groupId, int lastId)
    {
        var isNumber = int.TryParse(groupId, out var id);
        if (!isNumber || (!Set(MayMark).Contains(id) && !await access.CanAccessAsync(Context.User!, id, Context.ConnectionAborted)))
        {
            throw new HubException($"You may not mark conversation {Named(groupId)} read.");
        }
        Set(MayMark).Add(id);
        var user = Context.User!;
        await receipts.MarkAsync(db, id, user.UserId()!.Value, user.IsAgent(), lastId, Context.ConnectionAborted);
    }

    /// <summary>
    /// The extension for typing indicators: tells everyone else in the conversation that this user is
    /// typing. Clients send it at most every few seconds, and the server holds them to it: one call per
    /// connection per <see cref="SupportChatOptions.TypingInterval"/> is forwarded, the rest are dropped
    /// without a word (an indicator lasts longer than that anyway). A conversation the caller may not see
    /// is refused.
    /// </summary>
    public async Task Typing(string groupId)
    {
        var now = clock.GetTimestamp();
        if (Context.Items.TryGetValue(TypedAt, out var last) && clock.GetElapsedTime((long)last!, now) < options.TypingInterval) return;
        if (!int.TryParse(groupId, out var id) || !await access.CanAccessAsync(Context.User!, id, Context.ConnectionAborted))
        {
            throw new HubException($"You may not type in conversation {Named(groupId)}.");
        }
        Context.Items[TypedAt] = now;
        var user = Context.User!;
        await Clients.OthersInGroup(GroupName(id))
            .SendAsync(UserTyping, new TypingDto(id, user.UserId()!.Value, user.Identity?.Name ?? ""), Context.ConnectionAborted);
    }

    /// <summary>
    /// The extension for the agent console: from now on this connection hears of every conversation that
    /// starts (<c>ConversationStarted</c>, its row as <c>GET /groups</c> lists it) and every message in any
    /// (<c>ConversationMessage</c>, the message), and of each address a visitor leaves (<c>ConversationContact</c>).
    /// Opt-in, so an agent's widget is not sent pushes it has no use for. Agents only.
    /// </summary>
    public async Task WatchConversations()
    {
        if (!Context.User!.IsAgent()) throw new HubException("Only agents may watch every conversation.");
        await Groups.AddToGroupAsync(Context.ConnectionId, AgentsGroup);
        Context.Items[Watching] = true;
        foreach (var id in Set(Joined)) await Groups.RemoveFromGroupAsync(Context.ConnectionId, StateListeners(id));
    }

    public async Task LeaveGroup(string groupId)
    {
        if (!int.TryParse(groupId, out var id)) return;
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(id));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, AgentsIn(id));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, StateListeners(id));
        Set(Joined).Remove(id);
    }

    /// <summary>A set kept with the connection; invocations of one connection run one at a time, so it needs no lock.</summary>
    private HashSet<int> Set(string key)
    {
        if (Context.Items.TryGetValue(key, out var set)) return (HashSet<int>)set!;
        var created = new HashSet<int>();
        Context.Items[key] = created;
        return created;
    }

    /// <summary>A conversation as a refusal names it: its number, or else what was sent, quoted and escaped.</summary>
    private static string Named(string groupId) =>
        int.TryParse(groupId, out var id) ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : HubRefusals.Quote(groupId);

    public static string GroupName(int groupId) => groupId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The agents' connections in one conversation: for what its visitor may not hear.</summary>
    public static string AgentsIn(int groupId) => $"{GroupName(groupId)}:agents";

    /// <summary>
    /// The connections in one conversation that do not watch every conversation: <c>ConversationState</c> goes
    /// to them and to <see cref="AgentsGroup"/>, so a console that is both hears it once.
    /// </summary>
    public static string StateListeners(int groupId) => $"{GroupName(groupId)}:state";
}
