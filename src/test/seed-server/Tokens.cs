using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SupportChat.SeedServer;

/// <summary>
/// Issues the seed's JWTs: the user id in <see cref="ClaimTypes.Sid"/> and the name in
/// <see cref="ClaimTypes.Name"/>, both under their long URIs as the seed writes them.
/// </summary>
public sealed class Tokens(IOptions<SeedOptions> options)
{
    public SymmetricSecurityKey Key { get; } = new(Convert.FromBase64String(options.Value.JwtKey));

    public string Issue(User user) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = SeedOptions.Issuer,
        Audience = SeedOptions.Issuer,
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        Claims = new Dictionary<string, object>
        {
            [ClaimTypes.Sid] = user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ClaimTypes.Name] = user.Name,
        },
    });

    public static int UserId(ClaimsPrincipal principal) => int.Parse(principal.FindFirstValue(ClaimTypes.Sid)!, System.Globalization.CultureInfo.InvariantCulture);
}
