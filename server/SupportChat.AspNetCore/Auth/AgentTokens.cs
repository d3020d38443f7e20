using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Data;

namespace SupportChat.Server.Auth;

/// <summary>
/// A token says "agent" for as long as it lives; the database says whether that is still so. An agent
/// no longer configured (see <c>Seed</c>) loses every conversation at the restart, not an hour later.
/// </summary>
public static class AgentTokens
{
    public static async Task RefuseFormerAgents(TokenValidatedContext context)
    {
        if (context.Principal is not { } principal || !principal.IsAgent()) return;
        var db = context.HttpContext.RequestServices.GetRequiredService<ChatDb>();
        var id = principal.UserId();
        if (!await db.Users.AnyAsync(u => u.Id == id && u.Role == Roles.Agent, context.HttpContext.RequestAborted))
        {
            context.Fail("This account is no longer an agent.");
        }
    }
}
