using System.Net;

namespace SupportChat.Server.Security;

/// <summary>
/// An avatar URL travels with every message a user sends and is loaded by every browser that shows one,
/// so only an absolute <c>https:</c> address is taken: no <c>javascript:</c>, <c>data:</c> or
/// <c>file:</c>, and no plain <c>http:</c> (mixed content, and an address on the agents' own network such
/// as <c>http://169.254.169.254/</c>), except to loopback in the demo.
/// </summary>
public static class AvatarUrls
{
    public const int MaxLength = 2048;

    /// <summary>Why the address is refused, or null when it is acceptable.</summary>
    public static string? Refusal(string url, bool demo)
    {
        if (url.Length > MaxLength) return $"The avatar URL is longer than {MaxLength} characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || uri.UserInfo.Length > 0)
        {
            return "The avatar URL must be an absolute https: address.";
        }
        if (uri.Scheme == Uri.UriSchemeHttps) return null;
        if (demo && uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip))))
        {
            return null;
        }
        return "The avatar URL must be an https: address.";
    }
}
