using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Data;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Conversations;

/// <summary>Who did something to a conversation, as the console shows it.</summary>
public sealed record PersonDto(int UserId, string Name);

/// <summary>The latest resolution's rating.</summary>
public sealed record RatingDto(int Score, string? Comment, DateTime CreatedAt);

/// <summary>
/// A conversation's state as <c>ConversationState</c> pushes it and <c>GET /chats/{id}/state</c> answers it:
/// <c>state</c> is "open" or "resolved"; <c>resolution</c> counts resolutions (a rating is for the latest),
/// <c>rated</c> says whether the latest one has its rating. <c>readUpTo</c>, the read marks the caller may
/// see, and <c>availability</c> are in the GET answer only: a push goes to readers who may see different marks.
/// </summary>
public sealed record ConversationStateDto(
    int GroupId,
    string State,
    int Resolution,
    DateTime? ResolvedAt,
    PersonDto? ResolvedBy,
    DateTime? ReopenedAt,
    PersonDto? ReopenedBy,
    bool Rated,
    RatingDto? Rating,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    List<ReadUpToDto>? ReadUpTo = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    Availability.AvailabilityDto? Availability = null);

public static class ConversationStates
{
    public const string Open = "open";
    public const string Resolved = "resolved";

    /// <summary>The state of <paramref name="groupId"/>, or null when there is no such conversation.</summary>
    public static async Task<ConversationStateDto?> ReadAsync(ChatDb db, int groupId, CancellationToken cancel)
    {
        var group = await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == groupId, cancel);
        if (group is null) return null;
        int[] people = [.. new[] { group.ResolvedById, group.ReopenedById }.OfType<int>()];
        // Anonymous visitors by the label the console lists them by, not the "Visitor" they all share.
        var names = (await db.Users.AsNoTracking().Where(u => people.Contains(u.Id)).ToListAsync(cancel))
            .ToDictionary(u => u.Id, SupportChat.Server.Groups.GroupEndpoints.VisitorLabel);
        var rating = group.Resolutions == 0
            ? null
            : await db.Ratings.AsNoTracking().Where(r => r.GroupId == groupId && r.Resolution == group.Resolutions)
                .Select(r => new RatingDto(r.Score, r.Comment, r.CreatedAt)).FirstOrDefaultAsync(cancel);
        return new ConversationStateDto(
            group.Id,
            group.Resolved ? Resolved : Open,
            group.Resolutions,
            group.ResolvedAt,
            Person(group.ResolvedById),
            group.ReopenedAt,
            Person(group.ReopenedById),
            rating is not null,
            rating);

        PersonDto? Person(int? id) => id is { } known ? new PersonDto(known, names.GetValueOrDefault(known, "")) : null;
    }

    /// <summary>
    /// Tells the conversation and every agent watching the list. Sent after the change is stored and never
    /// cancelled by the request that made it: whoever reads the state afterwards finds the same.
    /// </summary>
    public static async Task PushAsync(IHubContext<GroupChatHub> hub, ConversationStateDto state) =>
        await hub.Clients.Groups([GroupChatHub.StateListeners(state.GroupId), GroupChatHub.AgentsGroup])
            .SendAsync(GroupChatHub.ConversationState, state, CancellationToken.None);

    /// <summary>
    /// A visitor's message in a resolved conversation reopens it. The update names the resolved state, so of
    /// two messages racing only one reopens it and only one state is pushed; and a message written before the
    /// resolution (a retry answered from the store) reopens nothing.
    /// </summary>
    public static async Task ReopenAsync(ChatDb db, IHubContext<GroupChatHub> hub, int groupId, int visitorId, DateTime sentAt)
    {
        var reopened = await db.Groups.Where(g => g.Id == groupId && g.Resolved && g.ResolvedAt < sentAt)
            .ExecuteUpdateAsync(g => g.SetProperty(x => x.Resolved, false).SetProperty(x => x.ReopenedAt, sentAt).SetProperty(x => x.ReopenedById, visitorId));
        if (reopened == 0) return;
        if (await ReadAsync(db, groupId, CancellationToken.None) is { } state) await PushAsync(hub, state);
    }
}
