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

    public async Task JoinGroup(string groupId)
    {
        if (!int.TryParse(groupId, out var id) || !await access.CanAccessAsync(Context.User!, id, Context.ConnectionAborted))
        {
            // The message of a HubException reaches the client as is; any other exception's does not.
            throw new HubException($"You may not join conversation {groupId}.");
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupName(id));
    }

    public Task LeaveGroup(string groupId) =>
        int.TryParse(groupId, out var id)
            ? Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupName(id))
            : Task.CompletedTask;

    public static string GroupName(int groupId) => groupId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
