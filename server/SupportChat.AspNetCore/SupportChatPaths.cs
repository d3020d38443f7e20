using Microsoft.AspNetCore.Hosting;
using SupportChat.Server.Auth;
using SupportChat.Server.Hubs;
using SupportChat.Server.Security;

namespace SupportChat.Server;

/// <summary>
/// The addresses the chat answers at, and the middleware that guards them and nothing else of the app:
/// problem-details errors, the body limits, CORS and the Origin check run first, at the front of the
/// pipeline (a startup filter), so a refused origin or an oversized body is answered before anyone's
/// authentication; the rate limits and the connection cap run after authorization, where the caller is known.
/// </summary>
public static class SupportChatPaths
{
    public const string CorsPolicy = "SupportChat";

    /// <summary>The metadata every endpoint <c>MapSupportChat()</c> maps carries, and no other endpoint of the app.</summary>
    public sealed class ChatEndpoint;

    internal static readonly ChatEndpoint Endpoint = new();

    /// <summary>Whether routing chose one of the chat's endpoints for this request.</summary>
    public static bool IsChatEndpoint(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<ChatEndpoint>() is not null;

    public static readonly PathString[] All = ["/hubs", "/chats", "/groups", "/users", "/visitors"];

    public static bool IsChatPath(HttpContext http) => All.Any(p => http.Request.Path.StartsWithSegments(p));

    private const string AfterAuthorizationAdded = "SupportChat.AfterAuthorization";

    /// <summary>
    /// The rate limits and the per-user connection cap, on the chat's paths. <c>MapSupportChat()</c> adds them
    /// where it is called unless the app placed them itself with this call, after <c>UseAuthorization()</c>.
    /// </summary>
    public static IApplicationBuilder UseSupportChat(this IApplicationBuilder app)
    {
        app.Properties[AfterAuthorizationAdded] = true;
        return app.UseWhen(IsChatPath, chat =>
        {
            chat.UseRateLimiter();
            chat.UseConnectionCap();
        });
    }

    internal static bool AfterAuthorizationIsAdded(IApplicationBuilder app) => app.Properties.ContainsKey(AfterAuthorizationAdded);

    internal sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var options = app.ApplicationServices.GetRequiredService<SupportChatOptions>();
            app.UseWhen(IsChatPath, chat =>
            {
                // First, so everything after sees the client's address and scheme as the trusted proxy reported them.
                chat.UseTrustedProxies(options);
                chat.UseSecurityHeaders();
                chat.UseApiProblems();
                chat.UseRequestLimits();
                chat.UseCors(CorsPolicy);
                chat.UseMiddleware<OriginGate>();
            });
            next(app);
        };
    }
}
