using Microsoft.Extensions.Options;

namespace SupportChat.Server.Auth;

/// <summary>
/// Refuses calls to the API and the hub from origins outside the allow-list. CORS alone only stops a
/// browser from reading the answer, and WebSocket upgrades are not subject to CORS at all, so the
/// server checks the Origin header itself. Requests without one (servers, curl) pass to authentication.
/// </summary>
public sealed class OriginGate(RequestDelegate next, IOptions<SupportChatOptions> options)
{
    private static readonly PathString[] Guarded = ["/hubs", "/chats", "/groups", "/users", "/visitors"];

    private readonly HashSet<string> allowed = new(options.Value.EffectiveOrigins(), StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || !Guarded.Any(p => http.Request.Path.StartsWithSegments(p)) || IsAllowed(http, origin))
        {
            return next(http);
        }
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        return http.Response.WriteAsJsonAsync(new { title = "This origin may not call the support chat server.", status = 403 });
    }

    private bool IsAllowed(HttpContext http, string origin) =>
        allowed.Contains(origin) || string.Equals(origin, $"{http.Request.Scheme}://{http.Request.Host}", StringComparison.OrdinalIgnoreCase);
}
