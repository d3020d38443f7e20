using Microsoft.AspNetCore.SignalR;

namespace SupportChat.SeedServer;

/// <summary>
/// The seed's hub: anonymous, any connection joins any group by name. Messages reach it only from
/// <c>POST /chats/{groupId}</c>; the hub itself sends nothing.
/// </summary>
public sealed class GroupChatHub : Hub
{
    public const string Path = "/hubs/groupchat";
    public const string ReceiveMessage = "ReceiveMessage";

    public Task JoinGroup(string groupId) => Groups.AddToGroupAsync(Context.ConnectionId, groupId);

    public Task LeaveGroup(string groupId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, groupId);
}
