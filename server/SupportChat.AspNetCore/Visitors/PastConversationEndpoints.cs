using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Auth;
using SupportChat.Server.Conversations;
using SupportChat.Server.Data;
using SupportChat.Server.Groups;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Visitors;

/// <summary>One of a visitor's conversations, newest first in the list.</summary>
public sealed record PastConversationDto(int GroupId, DateTime CreatedAt, string State, string? LastMessage, int? LastMessageId, DateTime? LastMessageAt);

public sealed record PastConversationsResponse(List<PastConversationDto> Conversations);

public sealed record NewConversationResponse(int GroupId);

/// <summary>
/// A returning visitor's earlier conversations (the cookie of <c>POST /visitors</c> makes them the same
/// visitor, and its token names them): listed, and a new one started. Opening an old one is joining it,
/// which the hub allows for one's own conversations only.
/// </summary>
public static class PastConversationEndpoints
{
    private const int MaxListed = 50;

    public static void MapPastConversationEndpoints(this IEndpointRouteBuilder app)
    {
        var mine = app.MapGroup("/visitors/conversations").RequireAuthorization(SupportChatAuth.Policy);
        mine.MapGet("", List)
            .WithSummary("The caller's own conversations, newest first (at most 50), with their state and last message.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        mine.MapPost("", Start)
            .WithSummary("Starts a new conversation for the calling visitor → { groupId }; POST /visitors answers it from now on.")
            .WithDescription("While the newest conversation has no message yet, that one is answered instead: empty conversations do not pile up in the agents' list. New ones count towards the ceilings of POST /groups (429 with Retry-After).")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<Results<Ok<PastConversationsResponse>, ProblemHttpResult>> List(ClaimsPrincipal user, ChatDb db, CancellationToken cancel)
    {
        if (user.IsAgent() || user.UserId() is not { } userId) return AgentsUseGroups();
        var rows = await db.Groups.AsNoTracking()
            .Where(g => g.OwnerUserId == userId)
            .OrderByDescending(g => g.Id)
            .Take(MaxListed)
            .Select(g => new
            {
                g.Id,
                g.CreatedAt,
                g.Resolved,
                Last = db.Chats.Where(c => c.GroupId == g.Id).OrderByDescending(c => c.Id).Select(c => new { c.Id, c.Message, c.CreatedAt }).FirstOrDefault(),
            })
            .ToListAsync(cancel);
        return TypedResults.Ok(new PastConversationsResponse([.. rows.Select(r => new PastConversationDto(
            r.Id, r.CreatedAt, r.Resolved ? ConversationStates.Resolved : ConversationStates.Open, r.Last?.Message, r.Last?.Id, r.Last?.CreatedAt))]));
    }

    private static async Task<Results<Ok<NewConversationResponse>, ProblemHttpResult>> Start(
        ClaimsPrincipal user, HttpContext http, ChatDb db, TimeProvider clock, IHubContext<GroupChatHub> hub, NewGroupLimit limit, CancellationToken cancel)
    {
        if (!user.IsInRole(Roles.Visitor) || user.UserId() is not { } userId)
        {
            return TypedResults.Problem("Only visitors start conversations here: agents and signed-in users use POST /groups.", statusCode: StatusCodes.Status403Forbidden);
        }
        var newest = await db.Groups.Where(g => g.OwnerUserId == userId).OrderByDescending(g => g.Id).FirstOrDefaultAsync(cancel);
        if (newest is not null && !await db.Chats.AnyAsync(c => c.GroupId == newest.Id, cancel))
        {
            return TypedResults.Ok(new NewConversationResponse(newest.Id));
        }
        // Each one is listed to every agent: a visitor saying "hi" and starting over must not bury the real ones.
        if (limit.Refusal(http, userId) is { } tooMany) return tooMany;
        var visitor = await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, cancel);
        var group = new Group
        {
            Name = $"Conversation with {visitor.Name}",
            OwnerUserId = userId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            // Where the visitor is stays true of the new conversation until their widget says otherwise.
            PageUrl = newest?.PageUrl,
            VisitorTimeZone = newest?.VisitorTimeZone,
            VisitorLanguage = newest?.VisitorLanguage,
        };
        db.Groups.Add(group);
        await db.SaveChangesAsync(cancel);
        await GroupRows.PushStartedAsync(db, hub, group.Id);
        return TypedResults.Ok(new NewConversationResponse(group.Id));
    }

    private static ProblemHttpResult AgentsUseGroups() =>
        TypedResults.Problem("Agents have no conversations of their own: GET /groups lists every one.", statusCode: StatusCodes.Status403Forbidden);
}
