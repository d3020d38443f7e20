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
    /// Whether the conversation is resolved, or null when the caller may not access it. A send asks both in
    /// one query, so a message in an open conversation (nearly every one) costs no reopen statement.
    /// </summary>
    public async Task<bool?> ResolvedIfAllowedAsync(ClaimsPrincipal principal, int groupId, CancellationToken cancel = default)
    {
        if (principal.UserId() is not { } userId) return null;
        var agent = principal.IsAgent();
        return await db.Groups.Where(g => g.Id == groupId && (agent || g.OwnerUserId == userId))
            .Select(g => (bool?)g.Resolved).FirstOrDefaultAsync(cancel);
    }
}
