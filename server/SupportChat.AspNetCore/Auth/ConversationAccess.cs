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
    public async Task<bool> CanAccessAsync(ClaimsPrincipal principal, int groupId, CancellationToken cancel = default)
    {
        if (principal.UserId() is not { } userId) return false;
        if (principal.IsAgent()) return await db.Groups.AnyAsync(g => g.Id == groupId, cancel);
        return await db.Groups.AnyAsync(g => g.Id == groupId && g.OwnerUserId == userId, cancel);
    }
}
