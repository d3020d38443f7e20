using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing.Template;
using SupportChat.Server.Auth;
using SupportChat.Server.Hubs;
using SupportChat.Server.Security;

namespace SupportChat.Server;

/// <summary>
/// The chat's endpoints, and the middleware that guards them and nothing else of the app. Every endpoint
/// <c>MapSupportChat()</c> maps carries <see cref="ChatEndpoint"/>; that one list, with whatever prefix the
/// app mapped it under, decides where the middleware runs. Problem-details errors, the body limits, CORS
/// and the Origin check run first, at the front of the pipeline (a startup filter), so a refused origin or an
/// oversized body is answered before anyone's authentication; the connection cap runs after authorization,
/// where the caller is known.
/// </summary>
public static class SupportChatPaths
{
    public const string CorsPolicy = "SupportChat";

    /// <summary>The metadata every endpoint <c>MapSupportChat()</c> maps carries, and no other endpoint of the app.</summary>
    public sealed class ChatEndpoint;

    internal static readonly ChatEndpoint Endpoint = new();

    /// <summary>Whether routing chose one of the chat's endpoints for this request.</summary>
    public static bool IsChatEndpoint(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<ChatEndpoint>() is not null;

    /// <summary>
    /// Before routing has run: which of the chat's endpoints this request's path is for, by the endpoints'
    /// own route patterns, or null for any other address of the app (its <c>/users/42/avatar</c> too).
    /// </summary>
    public static Endpoint? ChatEndpointFor(HttpContext http)
    {
        if (http.Items.TryGetValue(typeof(ChatRoutes), out var matched)) return matched as Endpoint;
        var endpoint = http.RequestServices.GetRequiredService<ChatRoutes>().Match(http.Request.Path);
        http.Items[typeof(ChatRoutes)] = endpoint;
        return endpoint;
    }

    private const string AfterAuthorizationAdded = "SupportChat.AfterAuthorization";

    /// <summary>
    /// The per-user connection cap, on the chat's endpoints. <c>MapSupportChat()</c> adds it where it is
    /// called unless the app placed it itself with this call, after <c>UseAuthorization()</c>.
    /// </summary>
    public static IApplicationBuilder UseSupportChat(this IApplicationBuilder app)
    {
        app.Properties[AfterAuthorizationAdded] = true;
        return app.UseWhen(IsChatEndpoint, chat => chat.UseConnectionCap());
    }

    internal static bool AfterAuthorizationIsAdded(IApplicationBuilder app) => app.Properties.ContainsKey(AfterAuthorizationAdded);

    internal sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var options = app.ApplicationServices.GetRequiredService<SupportChatOptions>();
            app.UseWhen(http => ChatEndpointFor(http) is not null, chat =>
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

    /// <summary>Whether the chat's endpoints were mapped: twice would make every address of it ambiguous.</summary>
    internal sealed class MappedOnce
    {
        private int mapped;

        public bool First() => Interlocked.Exchange(ref mapped, 1) == 0;
    }

    /// <summary>The chat's endpoints as the app mapped them, matched by path; rebuilt when the app's endpoints change.</summary>
    internal sealed class ChatRoutes(EndpointDataSource endpoints)
    {
        private (IReadOnlyList<Endpoint> Source, (TemplateMatcher Matcher, Endpoint Endpoint)[] Routes) cache = ([], []);

        public Endpoint? Match(PathString path)
        {
            var current = cache;
            if (!ReferenceEquals(current.Source, endpoints.Endpoints))
            {
                var source = endpoints.Endpoints;
                current = cache = (source, [.. source
                    .OfType<RouteEndpoint>()
                    .Where(e => e.Metadata.GetMetadata<ChatEndpoint>() is not null)
                    .Select(e => (new TemplateMatcher(new RouteTemplate(e.RoutePattern), new()), (Endpoint)e))]);
            }
            foreach (var (matcher, endpoint) in current.Routes)
            {
                if (matcher.TryMatch(path, new())) return endpoint;
            }
            return null;
        }
    }
}
