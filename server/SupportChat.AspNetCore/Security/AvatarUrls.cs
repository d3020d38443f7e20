using System.Net;
using System.Net.Sockets;

namespace SupportChat.Server.Security;

/// <summary>
/// An avatar URL travels with every message a user sends and is loaded by every browser that shows one,
/// so only an absolute <c>https:</c> address is taken: no <c>javascript:</c>, <c>data:</c> or
/// <c>file:</c>, and no plain <c>http:</c> (mixed content, and an address on the agents' own network such
/// as <c>http://169.254.169.254/</c>), except to loopback in the demo. Outside the demo an https address
/// may not name a loopback, link-local or private IP either: the agents' browsers would call into their
/// own network. What is stored is the address as <see cref="Uri.AbsoluteUri"/> writes it, never the raw text.
/// </summary>
public static class AvatarUrls
{
    public const int MaxLength = 2048;

    /// <summary>Why the address is refused, or null and the normalized address to store.</summary>
    public static string? Refusal(string url, bool demo, out string normalized)
    {
        normalized = "";
        if (url.Length > MaxLength) return $"The avatar URL is longer than {MaxLength} characters.";
        // Uri would quietly drop or escape them; an address that needs them is not one a person typed.
        if (url.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '<' or '>' or '`'))
        {
            return "The avatar URL must be an https: address without spaces or quotes.";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || uri.UserInfo.Length > 0)
        {
            return "The avatar URL must be an absolute https: address.";
        }
        var literal = IPAddress.TryParse(uri.IdnHost, out var ip) ? ip : null;
        var loopback = uri.IsLoopback || (literal is not null && IPAddress.IsLoopback(literal));
        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            if (!demo && literal is not null && Internal(literal)) return "The avatar URL must be an https: address on the internet, not a private one.";
        }
        else if (!(demo && uri.Scheme == Uri.UriSchemeHttp && loopback))
        {
            return "The avatar URL must be an https: address.";
        }
        normalized = uri.AbsoluteUri;
        return null;
    }

    /// <summary>Loopback, link-local, private (RFC 1918, unique local) or unspecified: an address on someone's own network.</summary>
    private static bool Internal(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) return true;
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal;
        }
        var b = ip.GetAddressBytes();
        return b[0] == 10
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127)
            || b[0] == 0;
    }
}
