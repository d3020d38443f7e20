using Microsoft.AspNetCore.HttpOverrides;

namespace SupportChat.Server.Security;

/// <summary>
/// Behind a TLS-terminating proxy, the client's address and scheme come from <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c>; for the chat's endpoints those headers are believed only from the proxies named
/// in <c>SUPPORTCHAT_TRUSTED_PROXIES</c>. Anyone else could send them, to pass as https (and get a cookie
/// meant for it) or as another address (and slip the per-IP limits). The chat reads them with options of
/// its own: the app's <see cref="ForwardedHeadersOptions"/>, and its own <c>UseForwardedHeaders()</c>, are
/// left as the app set them.
/// </summary>
public static class TrustedProxies
{
    /// <summary>
    /// Runs the forwarded-headers middleware only when a proxy is named: with both of its lists empty it
    /// believes every sender, so without trusted proxies the headers are not read at all.
    /// </summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app, SupportChatOptions options)
    {
        var (proxies, networks) = options.ParsedTrustedProxies();
        if (proxies.Length + networks.Length == 0) return app;
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        // The defaults trust loopback: a proxy on the same machine is trusted only when named too.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in proxies) forwarded.KnownProxies.Add(proxy);
        foreach (var network in networks) forwarded.KnownIPNetworks.Add(network);
        return app.UseForwardedHeaders(forwarded);
    }
}
