using SupportChat.Server;
using SupportChat.Server.Chats;
using SupportChat.Server.Conversations;
using SupportChat.Server.Files;
using SupportChat.Server.Groups;
using SupportChat.Server.Hubs;
using SupportChat.Server.Users;
using SupportChat.Server.Visitors;

// In the namespace of MapHub() and MapGet(), so the one line needs no using.
namespace Microsoft.AspNetCore.Builder;

public static class SupportChatEndpointRouteBuilderExtensions
{
    /// <summary>
    /// The hub at <c>/hubs/groupchat</c> and the REST API (<c>/chats</c>, <c>/files</c>, <c>/groups</c>, <c>/users</c>,
    /// <c>/visitors</c>), as <c>docs/aspnet-core.md</c> describes them, under <paramref name="prefix"/> when
    /// given (<c>"/support"</c>: <c>/support/hubs/groupchat</c>, …). Unless the app called
    /// <see cref="SupportChatPaths.UseSupportChat"/> itself, the connection cap is added here.
    /// </summary>
    public static IEndpointRouteBuilder MapSupportChat(this WebApplication app, string prefix = "")
    {
        if (!SupportChatPaths.AfterAuthorizationIsAdded(app)) app.UseSupportChat();
        return MapSupportChatEndpoints(app.MapGroup(prefix));
    }

    /// <summary>
    /// The endpoints alone, for an app that builds its pipeline itself and has called <c>UseSupportChat()</c>;
    /// under a route group, its prefix is honoured by every check (the Origin check, the body limit, the hub's
    /// query-string token).
    /// </summary>
    public static IEndpointRouteBuilder MapSupportChatEndpoints(this IEndpointRouteBuilder app)
    {
        var once = app.ServiceProvider.GetService<SupportChatPaths.MappedOnce>()
            ?? throw new InvalidOperationException("Call builder.Services.AddSupportChat() before mapping the chat's endpoints.");
        if (!once.First())
        {
            throw new InvalidOperationException("The chat's endpoints are mapped already: call MapSupportChat() (or MapSupportChatEndpoints()) once.");
        }
        // Every endpoint below carries the marker: the chat's token scheme and its middleware act on these only.
        var chat = app.MapGroup("").WithMetadata(SupportChatPaths.Endpoint);
        chat.MapHub<GroupChatHub>(GroupChatHub.Path, hub =>
        {
            // A short WebSocket blip is bridged by replaying unacknowledged messages, before any catch-up is needed.
            hub.AllowStatefulReconnects = true;
            // An expired token ends the connection; the client reconnects with a fresh one, or not at all.
            hub.CloseOnAuthenticationExpiration = true;
        });
        chat.MapNegotiateRedirect();
        chat.MapChatEndpoints();
        chat.MapConversationEndpoints();
        chat.MapFileEndpoints();
        chat.MapUserEndpoints();
        chat.MapVisitorEndpoints();
        chat.MapPastConversationEndpoints();
        chat.MapGroupEndpoints();
        return app;
    }
}
