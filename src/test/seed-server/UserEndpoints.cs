using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace SupportChat.SeedServer;

public sealed record RegisterRequest(string? Name, string? Email, string? Password);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record TokenResponse(string Token, bool Success);

public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/users");
        users.MapPost("/register", Register);
        users.MapPost("/login", Login);
    }

    private static Results<Ok<TokenResponse>, ProblemHttpResult> Register(
        RegisterRequest body, ChatStore store, Tokens tokens, IPasswordHasher<User> hasher)
    {
        if (string.IsNullOrWhiteSpace(body.Name) || string.IsNullOrWhiteSpace(body.Email) || string.IsNullOrEmpty(body.Password))
        {
            return TypedResults.Problem("Name, email and password are required.", statusCode: 400);
        }
        var user = store.AddUser(body.Name.Trim(), body.Email.Trim(), () => hasher.HashPassword(null!, body.Password));
        return user is null
            ? TypedResults.Problem("That email is already registered.", statusCode: 409)
            : TypedResults.Ok(new TokenResponse(tokens.Issue(user), true));
    }

    /// <summary>Bad credentials get 404, as in the seed.</summary>
    private static Results<Ok<TokenResponse>, ProblemHttpResult> Login(
        LoginRequest body, ChatStore store, Tokens tokens, IPasswordHasher<User> hasher)
    {
        var user = body.Email is null ? null : store.FindUser(body.Email.Trim());
        if (user is null || body.Password is null
            || hasher.VerifyHashedPassword(user, user.PasswordHash, body.Password) == PasswordVerificationResult.Failed)
        {
            return TypedResults.Problem("No user has that email and password.", statusCode: 404);
        }
        return TypedResults.Ok(new TokenResponse(tokens.Issue(user), true));
    }
}
