using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Conversations;
using SupportChat.Server.Data;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Groups;

/// <summary>
/// A conversation as the agents' list shows it: the rows of <c>GET /groups</c>, and the same row pushed as
/// <c>ConversationStarted</c>, so a console takes a new conversation as it is without reading the list again.
/// </summary>
public static class GroupRows
{
    /// <summary>A conversation with where it sorts (its last message id, 0 without one) and who wrote last.</summary>
    public sealed class Listed
    {
        public required Group Group { get; init; }
        public int LastId { get; init; }
        public int? LastUserId { get; init; }
    }

    /// <summary>The conversations of <paramref name="groups"/>, ready to be filtered and ordered by the database.</summary>
    public static IQueryable<Listed> Query(ChatDb db, IQueryable<Group> groups) =>
        groups.Select(g => new Listed
        {
            Group = g,
            LastId = db.Chats.Where(c => c.GroupId == g.Id).Max(c => (int?)c.Id) ?? 0,
            LastUserId = db.Chats.Where(c => c.GroupId == g.Id).OrderByDescending(c => c.Id).Select(c => (int?)c.UserId).FirstOrDefault(),
        });

    /// <summary>
    /// The rows of a page, in its order. A few queries for the whole page, never one per row: the last messages
    /// (with their format and file names, so a console previews them without reading each one), the people
    /// named, and the latest resolutions' ratings.
    /// </summary>
    public static async Task<List<GroupDto>> DescribeAsync(ChatDb db, List<Listed> page, CancellationToken cancel)
    {
        // A query is asked only when a row can have an answer: a conversation that has just started (every new
        // visitor's, pushed as ConversationStarted) has no message and no resolution yet.
        var lastIds = page.Where(r => r.LastId > 0).Select(r => r.LastId).ToList();
        var lastMessages = lastIds.Count == 0
            ? []
            : await db.Chats.AsNoTracking().Where(c => lastIds.Contains(c.Id))
                .Select(c => new LastMessage(c.Id, c.Message, c.Format, c.Attachments.OrderBy(f => f.CreatedAt).ThenBy(f => f.Id).Select(f => f.Name).ToList()))
                .ToDictionaryAsync(m => m.Id, cancel);
        int[] people = [.. page.SelectMany(r => new[] { r.Group.OwnerUserId, r.Group.AssigneeId }).OfType<int>().Distinct()];
        var users = await db.Users.AsNoTracking().Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, cancel);
        var resolvedIds = page.Where(r => r.Group.Resolutions > 0).Select(r => r.Group.Id).ToList();
        var ratings = (resolvedIds.Count == 0 ? [] : await db.Ratings.AsNoTracking().Where(x => resolvedIds.Contains(x.GroupId)).ToListAsync(cancel))
            .ToLookup(x => (x.GroupId, x.Resolution));
        return [.. page.Select(r =>
        {
            var last = lastMessages.GetValueOrDefault(r.LastId);
            return new GroupDto(r.Group.Id, r.Group.Name, r.Group.OwnerUserId, r.Group.CreatedAt, last?.Message, last?.Id, r.Group.ContactEmail)
            {
                LastMessageFormat = last is null ? null : last.Format ?? MessageFormats.Text,
                LastMessageFiles = last?.Files,
                State = r.Group.Resolved ? ConversationStates.Resolved : ConversationStates.Open,
                Waiting = !r.Group.Resolved && r.LastUserId is not null && r.LastUserId == r.Group.OwnerUserId,
                Assignee = r.Group.AssigneeId is { } a ? new PersonDto(a, users.GetValueOrDefault(a)?.Name ?? "") : null,
                Visitor = r.Group.OwnerUserId is { } o && users.GetValueOrDefault(o) is { } owner ? GroupEndpoints.VisitorLabel(owner) : null,
                PageUrl = r.Group.PageUrl,
                TimeZone = r.Group.VisitorTimeZone,
                Language = r.Group.VisitorLanguage,
                Rating = ratings[(r.Group.Id, r.Group.Resolutions)].Select(x => new RatingDto(x.Score, x.Comment, x.CreatedAt)).FirstOrDefault(),
            };
        })];
    }

    /// <summary>One conversation's row, or null when there is no such conversation.</summary>
    public static async Task<GroupDto?> ReadAsync(ChatDb db, int groupId, CancellationToken cancel)
    {
        var found = await Query(db, db.Groups.AsNoTracking().Where(g => g.Id == groupId)).ToListAsync(cancel);
        return (await DescribeAsync(db, found, cancel)).SingleOrDefault();
    }

    /// <summary>
    /// Tells every agent watching that a conversation started, with its row. Sent after the conversation is
    /// stored and never cancelled by the request that made it: a console that misses it lists it only on a reload.
    /// </summary>
    public static async Task PushStartedAsync(ChatDb db, IHubContext<GroupChatHub> hub, int groupId)
    {
        if (await ReadAsync(db, groupId, CancellationToken.None) is not { } row) return;
        await hub.Clients.Group(GroupChatHub.AgentsGroup).SendAsync(GroupChatHub.ConversationStarted, row, CancellationToken.None);
    }

    private sealed record LastMessage(int Id, string Message, string? Format, List<string> Files);
}
