namespace SupportChat.Server.Security;

/// <summary>
/// On every answer, pages, API and errors alike: no content-type sniffing (a JSON answer is never run as a
/// script or shown as a page), and no referrer sent from the demo pages to anyone.
/// </summary>
public static class SecurityHeaders
{
    public static void UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        });
        return next(http);
    });
}
