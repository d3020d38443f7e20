using Microsoft.Extensions.Options;

namespace SupportChat.Server.Auth;

/// <summary>
/// Refuses calls to the API and the hub from origins outside the allow-list (it runs for the chat's endpoints only). CORS alone only stops a
/// browser from reading the answer, and WebSocket upgrades are not subject to CORS at all, so the
/// server checks the Origin header itself. Requests without one (servers, curl) pass to authentication.
/// Only the configured origins count, never one made from the request's own <c>Host</c>: a page on a
/// rebound DNS name (<c>evil.example</c> pointed at this server) sends a matching Host of its choosing.
/// </summary>
public sealed class OriginGate(RequestDelegate next, IOptions<SupportChatOptions> options)
{
    private readonly HashSet<string> allowed = new(options.Value.EffectiveOrigins(), StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || allowed.Contains(origin))
        {
            return next(http);
        }
        return TypedResults.Problem(
                "Pages from this origin may not call the support chat server: it is not in SUPPORTCHAT_ORIGINS.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "This origin may not call the support chat server.")
            .ExecuteAsync(http);
    }
}
