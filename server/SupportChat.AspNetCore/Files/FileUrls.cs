using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using SupportChat.Server.Auth;
using SupportChat.Server.Data;

namespace SupportChat.Server.Files;

/// <summary>A file's id: 128 random bits, base64url. It names the file in storage; the uploader's name never does.</summary>
public static class FileIds
{
    public const int Length = 22;

    public static string New() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    public static bool IsValid(string id) => id.Length == Length && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>The file as the wire carries it, in an upload's answer and in a message's <c>attachments</c>.</summary>
public sealed record FileDto(string Id, string Name, long Size, string ContentType, string Url);

/// <summary>
/// Short-lived signed links to files, so an <c>&lt;img src&gt;</c> works without an <c>Authorization</c>
/// header: an HMAC-SHA256 over the file id and the expiry time, with a key of its own
/// (<see cref="SupportChatOptions.FileUrlKey"/>, else derived from the JWT key, so every instance that shares
/// one accepts the others' links). Links are signed afresh each time a message is read and never stored.
/// The link is a path on this server (under the app's path base and the chat's prefix): never an absolute
/// URL made from the request's <c>Host</c>, which the sender chooses and everyone else's push would carry.
/// </summary>
public sealed class FileUrls(SupportChatOptions options, Tokens tokens, TimeProvider clock, LinkGenerator links)
{
    public const string RouteName = "SupportChat.File";

    private readonly byte[] key = options.FileUrlKey.Length > 0
        ? Convert.FromBase64String(options.FileUrlKey)
        : HKDF.DeriveKey(HashAlgorithmName.SHA256, tokens.Key.Key, 32, info: "support-chat file URLs"u8.ToArray());

    public FileDto Describe(HttpContext http, ChatFile file) =>
        new(file.Id, file.Name, file.Size, file.ContentType, Sign(http, file.Id));

    public string Sign(HttpContext http, string id)
    {
        var expires = clock.GetUtcNow().Add(options.FileUrlLifetime).ToUnixTimeSeconds();
        var path = links.GetPathByName(http, RouteName, new { id })
            ?? throw new InvalidOperationException("The file endpoint is not mapped.");
        return $"{path}?expires={expires.ToString(CultureInfo.InvariantCulture)}&sig={Signature(id, expires)}";
    }

    /// <summary>Whether the signature is this server's for this file and the link has not expired; then how long it has left.</summary>
    public bool Verify(string id, long expires, string? signature, out TimeSpan left)
    {
        left = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(expires, 0, 253402300799)) - clock.GetUtcNow();
        if (signature is null || left <= TimeSpan.Zero) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Signature(id, expires)), Encoding.ASCII.GetBytes(signature));
    }

    private string Signature(string id, long expires) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}\n{expires.ToString(CultureInfo.InvariantCulture)}")));
}
