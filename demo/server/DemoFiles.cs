using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace SupportChat.Server;

/// <summary>
/// The demo folder holds the server's own source (and, by default, its database) below it, so only the
/// pages at its top level and its <c>assets/</c> folder are served.
/// </summary>
public sealed class DemoFiles(string root) : IFileProvider
{
    /// <summary>
    /// The strict policy a careful shop would set. A page whose widget is sent elsewhere by a negotiate
    /// redirect (as to Azure SignalR Service) must allow that origin in <c>connect-src</c>, both schemes.
    /// <c>blob:</c> in <c>img-src</c> is for the preview of a picture chosen but not yet uploaded, which exists
    /// only in the page; thumbnails of uploaded files come from this server (<c>'self'</c>).
    /// </summary>
    public static string ContentSecurityPolicy(SupportChatOptions options)
    {
        var connect = "'self'";
        if (Uri.TryCreate(options.RedirectTo, UriKind.Absolute, out var target))
        {
            var socketScheme = target.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
            connect += $" {target.GetLeftPart(UriPartial.Authority)} {socketScheme}://{target.Authority}";
        }
        return $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data: blob:; connect-src {connect}; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'self'; require-trusted-types-for 'script'";
    }

    private readonly PhysicalFileProvider files = new(root);

    public IFileInfo GetFileInfo(string subpath) =>
        IsPublic(subpath) ? files.GetFileInfo(subpath) : new NotFoundFileInfo(subpath);

    /// <summary>Asked by the default-document middleware: only the top level and <c>assets/</c> exist.</summary>
    public IDirectoryContents GetDirectoryContents(string subpath) =>
        subpath.Trim('/') is "" or "assets" ? files.GetDirectoryContents(subpath) : NotFoundDirectoryContents.Singleton;

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    private static bool IsPublic(string subpath)
    {
        var segments = subpath.Trim('/').Split('/');
        return segments.Length == 1 || (segments.Length == 2 && segments[0] == "assets");
    }
}
