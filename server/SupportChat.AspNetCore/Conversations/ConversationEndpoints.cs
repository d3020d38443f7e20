using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Auth;
using SupportChat.Server.Availability;
using SupportChat.Server.Data;
using SupportChat.Server.Hubs;
using SupportChat.Server.Security;

namespace SupportChat.Server.Conversations;

/// <summary>The score is a JSON number: "5" as a string is refused, as the web defaults would otherwise take it.</summary>
public sealed record RatingRequest(
    [property: System.Text.Json.Serialization.JsonNumberHandling(System.Text.Json.Serialization.JsonNumberHandling.Strict)] int? Score,
    string? Comment);

public sealed record ContactRequest(string? Email);

public sealed record ContactResponse(bool Success, string Email);

/// <summary>The <c>ConversationContact</c> push to agents watching: the address as <c>contactEmail</c> in <c>GET /groups</c>.</summary>
public sealed record ContactDto(int GroupId, string ContactEmail);

/// <summary>The <c>ConversationAssigned</c> push to agents watching, and the answer to <c>POST /chats/{id}/assign</c>.</summary>
public sealed record AssignmentDto(int GroupId, PersonDto Assignee);

/// <summary>
/// A conversation's life beside its messages: agents resolve it, its visitor rates each resolution, anyone
/// in it reads its state. Resolving is REST rather than a hub method, as sending is: it is stored first and
/// pushed second, answers a problem body a console can show, and works for a client without a connection.
/// </summary>
public static class ConversationEndpoints
{
    private const string Refused = "The conversation was not changed.";

    public static void MapConversationEndpoints(this IEndpointRouteBuilder app)
    {
        var chat = app.MapGroup("/chats/{groupId:int}").RequireAuthorization(SupportChatAuth.Policy);
        chat.MapGet("/state", GetState)
            .WithSummary("The conversation's state: open or resolved, who resolved or reopened it and when, the latest resolution's rating, and the read marks the caller may see.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        chat.MapPost("/resolve", Resolve)
            .WithSummary("Agents only: marks the conversation resolved and pushes ConversationState to it and to agents watching.")
            .WithDescription("Resolving a resolved conversation changes nothing and answers its state. A visitor's next message reopens it.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        chat.MapPost("/rating", Rate)
            .WithSummary("The conversation's visitor rates its latest resolution: score 1 to 5, an optional plain-text comment.")
            .WithDescription("400 for a score outside 1..5 or a comment over 1,000 characters; 409 when the conversation was never resolved or its latest resolution is rated already.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        chat.MapPost("/assign", Assign)
            .WithSummary("Agents only: assigns the conversation to the calling agent and pushes ConversationAssigned to agents watching.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        chat.MapPost("/contact", Contact)
            .WithSummary("The conversation's visitor leaves an email address to be answered at; agents see it in GET /groups and hear it as ConversationContact. No email is sent.")
            .WithDescription("400 for anything but one address (at most 254 characters); 403 for anyone but the conversation's visitor.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    /// <summary>"Assign to me": the last agent to ask has it, and every console watching hears so at once.</summary>
    private static async Task<Results<Ok<AssignmentDto>, ProblemHttpResult>> Assign(
        int groupId, ClaimsPrincipal user, ConversationAccess access, ChatDb db, IHubContext<GroupChatHub> hub, CancellationToken cancel)
    {
        if (!user.IsAgent()) return TypedResults.Problem("Only agents may take a conversation.", statusCode: StatusCodes.Status403Forbidden, title: Refused);
        if (!await access.CanAccessAsync(user, groupId, cancel)) return NotYours(groupId);
        var agentId = user.UserId()!.Value;
        await db.Groups.Where(g => g.Id == groupId).ExecuteUpdateAsync(g => g.SetProperty(x => x.AssigneeId, agentId), cancel);
        var name = await db.Users.Where(u => u.Id == agentId).Select(u => u.Name).FirstOrDefaultAsync(CancellationToken.None) ?? "";
        var assignment = new AssignmentDto(groupId, new PersonDto(agentId, name));
        await hub.Clients.Group(GroupChatHub.AgentsGroup).SendAsync(GroupChatHub.ConversationAssigned, assignment, CancellationToken.None);
        return TypedResults.Ok(assignment);
    }

    /// <summary>
    /// The visitor leaves an address to be answered at, for when nobody is there. Stored with the conversation
    /// (a second one replaces the first) and pushed to the agents watching, whose consoles show it at once; no
    /// email is sent. A push of its own rather than the whole row: a row read here could carry a state or a
    /// last message older than a push that overtook it.
    /// </summary>
    private static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> Contact(
        int groupId, ContactRequest body, ClaimsPrincipal user, ChatDb db, IHubContext<GroupChatHub> hub, CancellationToken cancel)
    {
        var userId = user.UserId();
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == groupId, cancel);
        if (group is null || userId is null || group.OwnerUserId != userId)
        {
            return TypedResults.Problem($"Only the visitor of conversation {groupId} may leave an address in it.", statusCode: StatusCodes.Status403Forbidden, title: Refused);
        }
        var email = body.Email?.Trim() ?? "";
        if (!IsEmail(email))
        {
            return TypedResults.Problem("The email is not an address such as name@example.com.", statusCode: StatusCodes.Status400BadRequest, title: "The address was not accepted.");
        }
        group.ContactEmail = email;
        await db.SaveChangesAsync(cancel);
        await hub.Clients.Group(GroupChatHub.AgentsGroup)
            .SendAsync(GroupChatHub.ConversationContact, new ContactDto(groupId, email), CancellationToken.None);
        return TypedResults.Ok(new ContactResponse(true, email));
    }

    /// <summary>One address, nothing around it: a display name or a list would be something else to show an agent.</summary>
    private static bool IsEmail(string email) =>
        email.Length is > 0 and <= Group.MaxEmail
        && !email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
        && System.Net.Mail.MailAddress.TryCreate(email, out var address)
        && address.Address == email
        && address.Host.Contains('.', StringComparison.Ordinal);

    private static async Task<Results<Ok<ConversationStateDto>, ProblemHttpResult>> GetState(
        int groupId, ClaimsPrincipal user, ConversationAccess access, ChatDb db, ReadReceipts receipts, TeamAvailability team,
        CancellationToken cancel)
    {
        if (!await access.CanAccessAsync(user, groupId, cancel)) return NotYours(groupId);
        var state = (await ConversationStates.ReadAsync(db, groupId, cancel))!;
        return TypedResults.Ok(state with
        {
            ReadUpTo = await receipts.VisibleAsync(db, groupId, user.IsAgent(), cancel),
            Availability = await team.CurrentAsync(db, cancel),
        });
    }

    private static async Task<Results<Ok<ConversationStateDto>, ProblemHttpResult>> Resolve(
        int groupId, ClaimsPrincipal user, ConversationAccess access, ChatDb db, IHubContext<GroupChatHub> hub, TimeProvider clock,
        CancellationToken cancel)
    {
        if (!user.IsAgent()) return TypedResults.Problem("Only agents may resolve a conversation.", statusCode: StatusCodes.Status403Forbidden, title: Refused);
        if (!await access.CanAccessAsync(user, groupId, cancel)) return NotYours(groupId);

        // Conditional on being open, so a double click (or two agents at once) resolves it once.
        var now = clock.GetUtcNow().UtcDateTime;
        var agentId = user.UserId()!.Value;
        var resolved = await db.Groups.Where(g => g.Id == groupId && !g.Resolved)
            .ExecuteUpdateAsync(g => g.SetProperty(x => x.Resolved, true)
                .SetProperty(x => x.Resolutions, x => x.Resolutions + 1)
                .SetProperty(x => x.ResolvedAt, now)
                .SetProperty(x => x.ResolvedById, agentId), cancel);
        var state = (await ConversationStates.ReadAsync(db, groupId, CancellationToken.None))!;
        if (resolved > 0) await ConversationStates.PushAsync(hub, state);
        return TypedResults.Ok(state);
    }

    private static async Task<Results<Ok<ConversationStateDto>, ProblemHttpResult>> Rate(
        int groupId, RatingRequest body, ClaimsPrincipal user, ChatDb db, IHubContext<GroupChatHub> hub, TimeProvider clock,
        CancellationToken cancel)
    {
        var userId = user.UserId();
        var group = await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == groupId, cancel);
        // Agents see every conversation but rate none: the rating is the visitor's word on the team.
        if (group is null || userId is null || group.OwnerUserId != userId)
        {
            return TypedResults.Problem($"Only the visitor of conversation {groupId} may rate it.", statusCode: StatusCodes.Status403Forbidden, title: Refused);
        }
        if (body.Score is not (>= 1 and <= 5)) return Invalid("The score must be a whole number from 1 to 5.");
        var comment = body.Comment?.Trim();
        if (comment is not null && TextInput.IsBlank(comment)) comment = null;
        if (comment is { Length: > Rating.MaxComment }) return Invalid($"The comment is longer than {Rating.MaxComment} characters.");
        if (comment is not null && TextInput.ForbiddenInText(comment) is { } forbidden)
        {
            return Invalid($"The comment contains U+{(int)forbidden:X4}, a control or bidi override character that could garble what agents see; send it without.");
        }
        if (group.Resolutions == 0) return Conflict("The conversation was never resolved: there is nothing to rate yet.");

        db.Ratings.Add(new Rating
        {
            GroupId = groupId,
            Resolution = group.Resolutions,
            UserId = userId.Value,
            Score = body.Score.Value,
            Comment = comment,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(cancel);
        }
        catch (DbUpdateException)
        {
            // The unique index on (conversation, resolution) is the one judge, also of two ratings racing. A busy
            // or failing database throws the same type, so only a rating that is there makes the 409: a visitor
            // told "rated already" would not send again a rating that was never stored.
            db.ChangeTracker.Clear();
            if (!await db.Ratings.AnyAsync(r => r.GroupId == groupId && r.Resolution == group.Resolutions, CancellationToken.None)) throw;
            return Conflict("This resolution is rated already: a conversation is rated once each time it is resolved.");
        }
        var state = (await ConversationStates.ReadAsync(db, groupId, CancellationToken.None))!;
        await ConversationStates.PushAsync(hub, state);
        return TypedResults.Ok(state);
    }

    private static ProblemHttpResult NotYours(int groupId) =>
        TypedResults.Problem($"You may not see conversation {groupId}.", statusCode: StatusCodes.Status403Forbidden, title: Refused);

    private static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The rating was not accepted.");

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "The rating was not accepted.");
}
