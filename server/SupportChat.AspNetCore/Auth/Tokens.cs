using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SupportChat.Server.Data;

namespace SupportChat.Server.Auth;

/// <summary>Issues the JWTs the widget carries, and knows the key that signs them.</summary>
public sealed class Tokens(SupportChatOptions options, SymmetricSecurityKey key, TimeProvider clock)
{
    /// <summary>The seed's user-id claim (<see cref="ClaimTypes.Sid"/>); <c>sid</c> and <c>sub</c> are read as fallbacks.</summary>
    public const string UserIdClaim = ClaimTypes.Sid;

    public SymmetricSecurityKey Key => key;

    /// <summary>How far back a token's life starts: the clock difference between instances that is tolerated.</summary>
    public static readonly TimeSpan NotBeforeTolerance = TimeSpan.FromSeconds(5);

    public string Issue(User user)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.JwtIssuer,
            Audience = options.JwtIssuer,
            IssuedAt = now,
            NotBefore = now - NotBeforeTolerance,
            Expires = now + options.TokenLifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                [UserIdClaim] = user.Id.ToString(),
                ["sub"] = user.Id.ToString(),
                ["name"] = user.Name,
                ["role"] = user.Role,
            },
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>
    /// The configured key, or else a key generated once and kept beside the database, so tokens survive a
    /// restart without any secret being committed. <see cref="StartupChecks"/> has refused a short or
    /// malformed configured key before this runs.
    /// </summary>
    public static SymmetricSecurityKey LoadKey(SupportChatOptions options, string databasePath)
    {
        if (options.JwtKey.Length > 0) return new SymmetricSecurityKey(Convert.FromBase64String(options.JwtKey));

        var keyFile = databasePath + ".jwtkey";
        if (!File.Exists(keyFile))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
            WriteKeyFile(keyFile);
        }
        else
        {
            OwnerOnly(keyFile);
        }
        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(keyFile).Trim()));
    }

    /// <summary>Whoever reads the key can sign themselves an agent token: only the server's own user may.</summary>
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static void WriteKeyFile(string keyFile)
    {
        // Created with its final mode, so there is no moment in which others may read it.
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = OwnerReadWrite;
        try
        {
            using var writer = new StreamWriter(keyFile, create);
            writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }
        catch (IOException) when (File.Exists(keyFile))
        {
            // Another instance on the same folder wrote it first: use theirs.
        }
    }

    /// <summary>A key file written by an older version may be readable by everyone: narrow it.</summary>
    private static void OwnerOnly(string keyFile)
    {
        if (OperatingSystem.IsWindows() || (File.GetUnixFileMode(keyFile) & ~OwnerReadWrite) == 0) return;
        File.SetUnixFileMode(keyFile, OwnerReadWrite);
    }
}

public static class ClaimsPrincipalExtensions
{
    public static int? UserId(this ClaimsPrincipal principal)
    {
        var value = principal.FindFirstValue(Tokens.UserIdClaim)
            ?? principal.FindFirstValue("sid")
            ?? principal.FindFirstValue("sub");
        return int.TryParse(value, out var id) ? id : null;
    }

    public static bool IsAgent(this ClaimsPrincipal principal) => principal.IsInRole(Roles.Agent);
}
