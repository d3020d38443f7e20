using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Data;

namespace SupportChat.Server.Auth;

/// <summary>
/// Who may join, read and post where: agents in every conversation, anyone else only in the ones they own.
/// The hub and the REST endpoints ask the same question here so they can never disagree.
/// </summary>
public sealed class ConversationAccess(ChatDb db)
{
    public async Task<bool> CanAccessAsync(ClaimsPrincipal principal, int groupId, CancellationToken cancel = default) =>
        await ResolvedIfAllowedAsync(principal, groupId, cancel) is not null;

    /// <summary>
    /// Whether the conversation is resolved, or null when the caller may not access it. (A send asks for its
    /// author's name in the same query: <see cref="PosterIfAllowedAsync"/>.)
    /// </summary>
    public async Task<bool?> ResolvedIfAllowedAsync(ClaimsPrincipal principal, int groupId, CancellationToken cancel = default)
    {
        if (principal.UserId() is not { } userId) return null;
        var agent = principal.IsAgent();
        return await db.Groups.Where(g => g.Id == groupId && (agent || g.OwnerUserId == userId))
            .Select(g => (bool?)g.Resolved).FirstOrDefaultAsync(cancel);
    }

    /// <summary>
    /// What a send needs before it stores anything, in one round trip: whether the caller may post here, whether
    /// the conversation is resolved, and the author's name and avatar for the push (null when not allowed).
    /// </summary>
    public async Task<Poster?> PosterIfAllowedAsync(ClaimsPrincipal principal, int groupId, CancellationToken cancel = default)
    {
        if (principal.UserId() is not { } userId) return null;
        var agent = principal.IsAgent();
        // A plain join: EF turns a navigation or a correlated subquery here into APPLY, which SQLite has not.
        return await (
            from g in db.Groups
            where g.Id == groupId && (agent || g.OwnerUserId == userId)
            from u in db.Users
            where u.Id == userId
            select new Poster(g.Resolved, u.Name, u.AvatarUrl)).FirstOrDefaultAsync(cancel);
    }
}

/// <summary>The author of a send, as <see cref="ConversationAccess.PosterIfAllowedAsync"/> found them.</summary>
public sealed record Poster(bool Resolved, string Name, string? AvatarUrl);
