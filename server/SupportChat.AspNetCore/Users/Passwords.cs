using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using SupportChat.Server.Data;

namespace SupportChat.Server.Users;

/// <summary>
/// Hashes and checks passwords so that the time taken tells nothing: an email without an account (or an
/// account without a password) is checked against a dummy hash, as slowly as a real one.
/// </summary>
public sealed class Passwords(IPasswordHasher<User> hasher)
{
    public const int MinLength = 8;

    /// <summary>Enough for any passphrase; beyond it, only a way to make the server hash megabytes.</summary>
    public const int MaxLength = 128;

    private static readonly User Nobody = new() { Name = "", Role = Roles.User };

    private readonly string dummyHash = hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    public bool Matches(User? user, string password)
    {
        var result = hasher.VerifyHashedPassword(user ?? Nobody, user?.PasswordHash ?? dummyHash, password);
        return user?.PasswordHash is not null && result != PasswordVerificationResult.Failed;
    }

    public string Hash(User user, string password) => hasher.HashPassword(user, password);
}
