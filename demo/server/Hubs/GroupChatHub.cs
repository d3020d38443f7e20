using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SupportChat.Server.Auth;

namespace SupportChat.Server.Hubs;

/// <summary>
/// The seed's hub, with the one thing it left open for browsers: a connection may only join a
/// conversation its user is allowed to see. Messages are pushed by <c>POST /chats/{groupId}</c>.
/// </summary>
[Authorize]
public sealed class GroupChatHub(ConversationAccess access) : Hub
{
    public const string Path = "/hubs/groupchat";
    public const string ReceiveMessage = "ReceiveMessage";
    public const string UserTyping = "UserTyping";

    public sealed record TypingDto(int GroupId, int UserId, string Name);

    public async Task JoinGroup(string groupId)
    {
        if (!int.TryParse(groupId, out var id) || !await access.CanAccessAsync(Context.User!, id, Context.ConnectionAborted))
        {
            // The message of a HubException reaches the client as is; any other exception's does not.
            throw new HubException($"You may not join conversation {groupId}.");
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(id));
    }

    /// <summary>
    /// The extension for typing indicators: tells everyone else in the conversation that this user is
    /// typing. Clients send it at most every few seconds; a conversation the caller may not see is refused.
    /// </summary>
    public async Task Typing(string groupId)
    {
        if (!int.TryParse(groupId, out var id) || !await access.CanAccessAsync(Context.User!, id, Context.ConnectionAborted))
        {
            throw new HubException($"You may not type in conversation {groupId}.");
        }
        var user = Context.User!;
        await Clients.OthersInGroup(GroupName(id))
            .SendAsync(UserTyping, new TypingDto(id, user.UserId()!.Value, user.Identity?.Name ?? ""), Context.ConnectionAborted);
    }

    public Task LeaveGroup(string groupId) =>
        int.TryParse(groupId, out var id)
            ? Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(id))
            : Task.CompletedTask;

    public static string GroupName(int groupId) => groupId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
