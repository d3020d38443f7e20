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
/// For an app whose users sign in with its own authentication: the app names the user by its own id for
/// them (the one its sign-in vouched for, such as the <c>NameIdentifier</c> claim) and gets a widget token
/// and that user's own conversation, as <c>POST /visitors</c> gives an anonymous visitor. The app's endpoint
/// that calls this is what the widget's <c>token-url</c> or <c>tokenProvider</c> asks.
/// A user is found again by that id only, never by email: an email can be registered with
/// <c>/users/register</c> by anyone, first. Whether someone is an agent is the app's word
/// (<see cref="AgentSessionForAsync"/>), never an email that matches <c>AgentEmail</c>.
/// </summary>
public sealed class SupportChatUsers(ChatDb db, Tokens tokens, TimeProvider clock, IHubContext<GroupChatHub> hub)
{
    /// <summary>A token for a user of the app, and their own conversation (made on first use).</summary>
    public Task<SupportChatSession> SessionForAsync(string appUserId, string name, CancellationToken cancel = default) =>
        SessionAsync(appUserId, name, agent: false, cancel);

    /// <summary>
    /// A token for a user the app's own code has decided is an agent (a role of its own, say): every
    /// conversation, and no conversation of their own (0). The next <see cref="SessionForAsync"/> for the
    /// same id makes them a user again, and their agent tokens stop working at once.
    /// </summary>
    public Task<SupportChatSession> AgentSessionForAsync(string appUserId, string name, CancellationToken cancel = default) =>
        SessionAsync(appUserId, name, agent: true, cancel);

    private async Task<SupportChatSession> SessionAsync(string appUserId, string name, bool agent, CancellationToken cancel)
    {
        var id = appUserId.Trim();
        if (id.Length == 0) throw new ArgumentException("The signed-in user has no id of the app's to name them by.", nameof(appUserId));
        var role = agent ? Roles.Agent : Roles.User;
        var user = await db.Users.FirstOrDefaultAsync(u => u.AppUserId == id, cancel);
        if (user is null)
        {
            // No email and no password: this account signs in through the app only, never with /users/login.
            user = new User { Name = name, AppUserId = id, Role = role };
            db.Users.Add(user);
        }
        user.Name = name;
        user.Role = role;
        await db.SaveChangesAsync(cancel);
        // An agent has no conversation of their own (0): they answer in everyone's.
        if (agent) return new SupportChatSession(tokens.Issue(user), user.Id, 0);

        var group = await db.Groups.Where(g => g.OwnerUserId == user.Id).OrderByDescending(g => g.Id).FirstOrDefaultAsync(cancel);
        if (group is null)
        {
            group = new Group { Name = $"Conversation with {user.Name}", OwnerUserId = user.Id, CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Groups.Add(group);
            await db.SaveChangesAsync(cancel);
            // The agent consoles list it at once.
            await GroupRows.PushStartedAsync(db, hub, group.Id);
        }
        return new SupportChatSession(tokens.Issue(user), user.Id, group.Id);
    }
}
