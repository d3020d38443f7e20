using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;

namespace SupportChat.SeedServer;

/// <summary>
/// The seed's message: no <c>groupId</c>, <c>createdAt</c> or <c>clientMessageId</c>. <c>isMe</c> is
/// the reader's in history and always false on a push, which goes to everyone alike.
/// </summary>
public sealed record ChatDto(int Id, string Name, string Message, int UserId, string? UserAvatarUrl, bool IsMe);

public sealed record ChatsResponse(List<ChatDto> Chats);

/// <summary>
/// The seed declares <c>groupId</c> an int. ASP.NET Core reads bodies with the web defaults, which
/// accept a number in a string, so the widget's <c>"5"</c> binds here as the seed's clients' <c>5</c> does.
/// </summary>
public sealed record SendChatRequest(int GroupId, string? Message);

public sealed record SendChatResponse(bool Success);

public static class ChatEndpoints
{
    public static void MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        var chats = app.MapGroup("/chats/{groupId:int}").RequireAuthorization();
        chats.MapGet("", History);
        chats.MapPost("", Send);
    }

    /// <summary>Every message of the group in no particular order (shuffled here); paging parameters are ignored.</summary>
    private static Ok<ChatsResponse> History(int groupId, ChatStore store, HttpContext http)
    {
        var me = Tokens.UserId(http.User);
        var chats = store.Chats(groupId).Select(chat => ToDto(chat, store, isMe: chat.UserId == me)).ToArray();
        Random.Shared.Shuffle(chats);
        return TypedResults.Ok(new ChatsResponse([.. chats]));
    }

    /// <summary>Saves, then pushes to the group (the sender included); the answer says nothing of the stored message.</summary>
    private static async Task<Results<Ok<SendChatResponse>, ProblemHttpResult>> Send(
        int groupId, SendChatRequest body, ChatStore store, IHubContext<GroupChatHub> hub, HttpContext http)
    {
        if (string.IsNullOrWhiteSpace(body.Message))
        {
            return TypedResults.Problem("A message needs some text.", statusCode: 400);
        }
        var chat = store.AddChat(groupId, Tokens.UserId(http.User), body.Message);
        await hub.Clients.Group(groupId.ToString(CultureInfo.InvariantCulture))
            .SendAsync(GroupChatHub.ReceiveMessage, ToDto(chat, store, isMe: false));
        return TypedResults.Ok(new SendChatResponse(true));
    }

    private static ChatDto ToDto(Chat chat, ChatStore store, bool isMe) =>
        new(chat.Id, store.FindUser(chat.UserId)?.Name ?? "", chat.Message, chat.UserId, null, isMe);
}
