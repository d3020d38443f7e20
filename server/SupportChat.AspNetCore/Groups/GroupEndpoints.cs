using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Auth;
using SupportChat.Server.Data;

namespace SupportChat.Server.Groups;

/// <summary>
/// A conversation as listed; <c>lastMessage</c>, <c>lastMessageId</c> and <c>contactEmail</c> (the address its
/// visitor left, <c>POST /chats/{id}/contact</c>) are extensions for the agent console.
/// </summary>
public sealed record GroupDto(int Id, string Name, int? OwnerUserId, DateTime CreatedAt, string? LastMessage, int? LastMessageId, string? ContactEmail = null)
{
    /// <summary>The last message's format, "text" or "markdown"; null without a message.</summary>
    public string? LastMessageFormat { get; init; }

    /// <summary>The names of the last message's files, in the order they were attached; null without a message.</summary>
    public List<string>? LastMessageFiles { get; init; }

    /// <summary>"open" or "resolved".</summary>
    public string State { get; init; } = Conversations.ConversationStates.Open;

    /// <summary>Open, and the last message is its visitor's: someone should answer.</summary>
    public bool Waiting { get; init; }

    public Conversations.PersonDto? Assignee { get; init; }

    /// <summary>The visitor's name, or for an anonymous one a stable short label ("Visitor 4F2A9C").</summary>
    public string? Visitor { get; init; }

    public string? PageUrl { get; init; }
    public string? TimeZone { get; init; }
    public string? Language { get; init; }

    /// <summary>The latest resolution's rating, or null.</summary>
    public Conversations.RatingDto? Rating { get; init; }
}

public sealed record CreateGroupRequest(string? Name);

public static class GroupEndpoints
{
    public static void MapGroupEndpoints(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/groups").RequireAuthorization(SupportChatAuth.Policy);
        groups.MapGet("", List)
            .WithSummary("Conversations: every one for an agent, most recently active first; one's own otherwise.")
            .WithDescription("One page of `limit` (default and most: 100); `nextBefore` is the cursor for the next page, to pass as `before`, or null on the last page. `state` filters: open, waiting (open, the visitor wrote last) or resolved. Each conversation carries its state, waiting, assignee, visitor label, page, time zone, language, contact email and rating, and its last message's format and file names; ConversationStarted pushes the same row to agents watching.");
        groups.MapPost("", Create)
            .WithSummary("Creates a conversation: the team's for an agent, one's own for a registered user.")
            .WithDescription("Visitors are refused (403): their conversation comes with POST /visitors. Limited per account and per client IP (429 with Retry-After).")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>
    /// Agents see every conversation, most recently active first; anyone else only their own. Paged, so an
    /// agent's list does not grow with every visitor there ever was: the cursor is the last row's place in
    /// that order (its last message id, then its own id), so a page is stable while messages arrive.
    /// </summary>
    private static async Task<Results<Ok<GroupsResponse>, ProblemHttpResult>> List(
        int? limit, string? before, string? state, ClaimsPrincipal user, ChatDb db, SupportChatOptions options, CancellationToken cancel)
    {
        var userId = user.UserId();
        var groups = db.Groups.AsNoTracking();
        if (!user.IsAgent()) groups = groups.Where(g => g.OwnerUserId == userId);

        var rows = GroupRows.Query(db, groups);
        switch (state)
        {
            case null: break;
            case Conversations.ConversationStates.Open: rows = rows.Where(r => !r.Group.Resolved); break;
            case Conversations.ConversationStates.Resolved: rows = rows.Where(r => r.Group.Resolved); break;
            case Waiting: rows = rows.Where(r => !r.Group.Resolved && r.LastUserId != null && r.LastUserId == r.Group.OwnerUserId); break;
            default:
                return TypedResults.Problem($"The state filter \"{state}\" is not one of open, waiting or resolved.", statusCode: StatusCodes.Status400BadRequest);
        }
        if (before is not null)
        {
            if (Cursor.Parse(before) is not { } cursor)
            {
                return TypedResults.Problem("The before cursor is not one this server gave out (nextBefore).", statusCode: StatusCodes.Status400BadRequest);
            }
            var (lastId, groupId) = cursor;
            rows = rows.Where(r => r.LastId < lastId || (r.LastId == lastId && r.Group.Id < groupId));
        }
        var take = Math.Clamp(limit ?? options.GroupsPage, 1, options.GroupsPage);
        var page = await rows.OrderByDescending(r => r.LastId).ThenByDescending(r => r.Group.Id).Take(take + 1).ToListAsync(cancel);
        var more = page.Count > take;
        if (more) page.RemoveAt(take);

        var list = await GroupRows.DescribeAsync(db, page, cancel);
        var next = more ? Cursor.Format(page[^1].LastId, page[^1].Group.Id) : null;
        return TypedResults.Ok(new GroupsResponse(list, next));
    }

    private const string Waiting = "waiting";

    /// <summary>
    /// A visitor who gave a name is called by it; every anonymous one is "Visitor", so they get a label from
    /// their id that stays the same in every list and cannot be told from another's by counting. Three bytes:
    /// with two, a console listing 300 visitors would more likely than not show two with the same label; with
    /// three, that takes about 4,800.
    /// </summary>
    public static string VisitorLabel(User owner)
    {
        if (owner.Role != Roles.Visitor || owner.Name != Visitors.VisitorEndpoints.DefaultName) return owner.Name;
        var hash = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(owner.Id));
        return $"Visitor {Convert.ToHexString(hash, 0, 3)}";
    }

    /// <summary>A place in the list: "lastMessageId.groupId".</summary>
    private static class Cursor
    {
        public static string Format(int lastId, int groupId) => string.Create(CultureInfo.InvariantCulture, $"{lastId}.{groupId}");

        public static (int LastId, int GroupId)? Parse(string text) =>
            text.Split('.') is [var last, var group]
            && int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastId)
            && int.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out var groupId)
                ? (lastId, groupId)
                : null;
    }

    private static async Task<Results<Ok<CreateGroupResponse>, ProblemHttpResult>> Create(
        CreateGroupRequest body, ClaimsPrincipal user, HttpContext http, ChatDb db, TimeProvider clock, NewGroupLimit limit,
        CancellationToken cancel)
    {
        // As in the seed, registered users create groups; a visitor's one conversation comes with POST /visitors,
        // and a token that costs nothing must not be a way to fill every agent's list.
        if (user.IsInRole(Roles.Visitor) || user.UserId() is not { } userId)
        {
            return TypedResults.Problem("Visitors cannot create conversations: yours comes with POST /visitors.", statusCode: StatusCodes.Status403Forbidden);
        }
        var name = body.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100) return TypedResults.Problem("A name of 1 to 100 characters is required.", statusCode: 400);
        if (limit.Refusal(http, userId) is { } tooMany) return tooMany;

        // An agent's group is the team's; anyone else's is their own conversation.
        var group = new Group { Name = name, OwnerUserId = user.IsAgent() ? null : userId, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Groups.Add(group);
        await db.SaveChangesAsync(cancel);
        return TypedResults.Ok(new CreateGroupResponse(true, new GroupDto(group.Id, group.Name, group.OwnerUserId, group.CreatedAt, null, null)));
    }

    public sealed record GroupsResponse(List<GroupDto> Groups, string? NextBefore);

    public sealed record CreateGroupResponse(bool Success, GroupDto Group);
}
