using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Auth;
using SupportChat.Server.Data;

namespace SupportChat.Server.Groups;

/// <summary>A conversation as listed; <c>lastMessage</c> and <c>lastMessageId</c> are extensions for the agent console.</summary>
public sealed record GroupDto(int Id, string Name, int? OwnerUserId, DateTime CreatedAt, string? LastMessage, int? LastMessageId);

public sealed record CreateGroupRequest(string? Name);

public static class GroupEndpoints
{
    public static void MapGroupEndpoints(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/groups").RequireAuthorization();
        groups.MapGet("", List).WithSummary("Conversations: every one for an agent, most recently active first; one's own otherwise.");
        groups.MapPost("", Create).WithSummary("Creates a conversation: the team's for an agent, one's own otherwise.");
    }

    /// <summary>Agents see every conversation, most recently active first; anyone else only their own.</summary>
    private static async Task<Ok<GroupsResponse>> List(ClaimsPrincipal user, ChatDb db, CancellationToken cancel)
    {
        var userId = user.UserId();
        var groups = db.Groups.AsNoTracking();
        if (!user.IsAgent()) groups = groups.Where(g => g.OwnerUserId == userId);

        var rows = await groups
            .Select(g => new
            {
                Group = g,
                Last = db.Chats.Where(c => c.GroupId == g.Id).OrderByDescending(c => c.Id).Select(c => new { c.Id, c.Message }).FirstOrDefault(),
            })
            .ToListAsync(cancel);

        var list = rows
            .OrderByDescending(r => r.Last?.Id ?? 0).ThenByDescending(r => r.Group.Id)
            .Select(r => new GroupDto(r.Group.Id, r.Group.Name, r.Group.OwnerUserId, r.Group.CreatedAt, r.Last?.Message, r.Last?.Id))
            .ToList();
        return TypedResults.Ok(new GroupsResponse(list));
    }

    private static async Task<Results<Ok<CreateGroupResponse>, ProblemHttpResult>> Create(
        CreateGroupRequest body, ClaimsPrincipal user, ChatDb db, TimeProvider clock, CancellationToken cancel)
    {
        var name = body.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100) return TypedResults.Problem("A name of 1 to 100 characters is required.", statusCode: 400);

        // An agent's group is the team's; anyone else's is their own conversation.
        var group = new Group { Name = name, OwnerUserId = user.IsAgent() ? null : user.UserId(), CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Groups.Add(group);
        await db.SaveChangesAsync(cancel);
        return TypedResults.Ok(new CreateGroupResponse(true, new GroupDto(group.Id, group.Name, group.OwnerUserId, group.CreatedAt, null, null)));
    }

    public sealed record GroupsResponse(List<GroupDto> Groups);

    public sealed record CreateGroupResponse(bool Success, GroupDto Group);
}
