using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Auth;
using SupportChat.Server.Data;
using SupportChat.Server.Groups;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Users;

/// <summary>A widget token for one of the app's own signed-in users, with their conversation.</summary>
public sealed record SupportChatSession(string Token, int UserId, int GroupId);

/// <summary>
/// For an app whose users sign in with its own authentication: the app names the user (by the email its
/// sign-in vouched for) and gets a widget token and that user's own conversation, as <c>POST /visitors</c>
/// gives an anonymous visitor. The app's endpoint that calls this is what the widget's <c>token-url</c>
/// or <c>tokenProvider</c> asks.
/// </summary>
public sealed class SupportChatUsers(ChatDb db, Tokens tokens, TimeProvider clock, IHubContext<GroupChatHub> hub)
{
    public async Task<SupportChatSession> SessionForAsync(string email, string name, CancellationToken cancel = default)
    {
        var normalized = email.Trim().ToLowerInvariant();
        if (normalized.Length == 0) throw new ArgumentException("The signed-in user has no email to name them by.", nameof(email));
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == normalized, cancel);
        if (user is null)
        {
            // No password: this account signs in through the app only, never with /users/login.
            user = new User { Name = name, Email = normalized, Role = Roles.User };
            db.Users.Add(user);
            await db.SaveChangesAsync(cancel);
        }
        if (user.Role == Roles.FormerAgent) throw new InvalidOperationException($"{normalized} belongs to a former agent and may not chat.");
        // An agent has no conversation of their own (0): they answer in everyone's.
        if (user.Role == Roles.Agent) return new SupportChatSession(tokens.Issue(user), user.Id, 0);

        var group = await db.Groups.Where(g => g.OwnerUserId == user.Id).OrderByDescending(g => g.Id).FirstOrDefaultAsync(cancel);
        if (group is null)
        {
            group = new Group { Name = $"Conversation with {user.Name}", OwnerUserId = user.Id, CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Groups.Add(group);
            await db.SaveChangesAsync(cancel);
            // The agent consoles list it at once.
            await hub.Clients.Group(GroupChatHub.AgentsGroup)
                .SendAsync(GroupChatHub.ConversationStarted, new GroupDto(group.Id, group.Name, group.OwnerUserId, group.CreatedAt, null, null), cancel);
        }
        return new SupportChatSession(tokens.Issue(user), user.Id, group.Id);
    }
}
