using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Auth;
using SupportChat.Server.Data;
using SupportChat.Server.Security;

namespace SupportChat.Server.Users;

/// <summary><c>avatarUrl</c>, when given, must be an https: address (<see cref="AvatarUrls"/>).</summary>
public sealed record RegisterRequest(string? Name, string? Email, string? Password, string? AvatarUrl);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record TokenResponse(string Token, bool Success);

public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/users");
        users.MapPost("/register", Register).WithSummary("Creates a user and answers a token.");
        users.MapPost("/login", Login).WithSummary("Answers a token for an email and password; 404 when they do not match.");
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Register(
        RegisterRequest body, ChatDb db, Tokens tokens, IPasswordHasher<User> hasher, IHostEnvironment env, CancellationToken cancel)
    {
        var name = body.Name?.Trim() ?? "";
        var email = body.Email?.Trim().ToLowerInvariant() ?? "";
        if (name.Length is 0 or > 100 || !email.Contains('@') || email.Length > 254 || (body.Password?.Length ?? 0) < 8)
        {
            return TypedResults.Problem("Name, a valid email and a password of at least 8 characters are required.", statusCode: 400);
        }
        if (body.AvatarUrl is { } avatar && AvatarUrls.Refusal(avatar, demo: env.IsDevelopment()) is { } refusal)
        {
            return TypedResults.Problem(refusal, statusCode: 400);
        }
        if (await db.Users.AnyAsync(u => u.Email == email, cancel))
        {
            return TypedResults.Problem("That email is already registered.", statusCode: 409);
        }

        var user = new User { Name = name, Email = email, Role = Roles.User, AvatarUrl = body.AvatarUrl };
        user.PasswordHash = hasher.HashPassword(user, body.Password!);
        db.Users.Add(user);
        await db.SaveChangesAsync(cancel);
        return TypedResults.Ok(new TokenResponse(tokens.Issue(user), true));
    }

    /// <summary>Bad credentials get 404, as in the seed, and the same answer whichever part was wrong.</summary>
    private static async Task<Results<Ok<TokenResponse>, NotFound>> Login(
        LoginRequest body, ChatDb db, Tokens tokens, IPasswordHasher<User> hasher, CancellationToken cancel)
    {
        var email = body.Email?.Trim().ToLowerInvariant() ?? "";
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, cancel);
        if (user?.PasswordHash is null || body.Password is null
            || hasher.VerifyHashedPassword(user, user.PasswordHash, body.Password) == PasswordVerificationResult.Failed)
        {
            return TypedResults.NotFound();
        }
        return TypedResults.Ok(new TokenResponse(tokens.Issue(user), true));
    }
}
