using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using SupportChat.Server.Auth;

namespace SupportChat.Server.Hubs;

/// <summary>
/// <c>/hubs/redirect</c>: a hub address whose negotiate sends the client to another one, answering
/// <c>{ url, accessToken }</c> as Azure SignalR Service's negotiate does. It shows that the widget follows
/// such a redirect; with <c>SUPPORTCHAT_REDIRECT_TO</c> unset it is not there.
/// </summary>
public static class NegotiateRedirect
{
    public const string Path = "/hubs/redirect";

    public sealed record Redirect(string Url, string AccessToken);

    public static void MapNegotiateRedirect(this IEndpointRouteBuilder app) =>
        app.MapPost($"{Path}/negotiate", Negotiate).RequireAuthorization(SupportChatAuth.Policy).ExcludeFromDescription();

    private static Results<Ok<Redirect>, NotFound> Negotiate(HttpContext http, SupportChatOptions options)
    {
        if (options.RedirectTo.Length == 0) return TypedResults.NotFound();
        // The target shares this server's signing key, so the caller's own token is good there too.
        var token = http.Request.Headers[HeaderNames.Authorization].ToString()["Bearer ".Length..];
        return TypedResults.Ok(new Redirect(options.RedirectTo, token));
    }
}
