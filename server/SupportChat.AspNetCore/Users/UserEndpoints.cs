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

/// <summary>The answer to registering an email that cannot be registered: no token, and no word on why.</summary>
public sealed record RegistrationNotMade(bool Success, string Detail);

public static class UserEndpoints
{
    /// <summary>Password hashing, and the limits on how often anyone may try one.</summary>
    public static IServiceCollection AddUserAccounts(this IServiceCollection services) =>
        services
            .AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>()
            .AddSingleton<Passwords>()
            .AddSingleton<SignInLimit>();

    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/users").AddEndpointFilter((context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<SupportChatOptions>().PasswordAccounts
                ? next(context)
                : ValueTask.FromResult<object?>(TypedResults.Problem(
                    "This app signs its users in itself: the chat takes no passwords here.",
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Password accounts are off.")));
        users.MapPost("/register", Register)
            .WithSummary("Creates a user and answers a token.")
            .WithDescription("An email that already has an account gets 202 without a token, in the same time, and without saying so.");
        users.MapPost("/login", Login).WithSummary("Answers a token for an email and password; 404 when they do not match.");
    }

    private static readonly string PasswordRule = $"a password of {Passwords.MinLength} to {Passwords.MaxLength} characters";

    private static async Task<Results<Ok<TokenResponse>, Accepted<RegistrationNotMade>, ProblemHttpResult>> Register(
        RegisterRequest body, HttpContext http, ChatDb db, Tokens tokens, Passwords passwords, SignInLimit limit, SupportChatOptions options,
        CancellationToken cancel)
    {
        var name = body.Name?.Trim() ?? "";
        var email = Normalize(body.Email);
        if (limit.Refusal(http, email) is { } tooMany) return tooMany;
        if (name.Length is 0 or > 100 || !email.Contains('@') || email.Length > 254
            || body.Password is not { Length: >= Passwords.MinLength and <= Passwords.MaxLength })
        {
            return TypedResults.Problem($"Name, a valid email and {PasswordRule} are required.", statusCode: 400);
        }
        string? avatarUrl = null;
        if (body.AvatarUrl is { } avatar && AvatarUrls.Refusal(avatar, demo: options.Demo, out avatarUrl) is { } refusal)
        {
            return TypedResults.Problem(refusal, statusCode: 400);
        }

        var user = new User { Name = name, Email = email, Role = Roles.User, AvatarUrl = avatarUrl };
        // Hashed whether or not the email is free, so the answer takes as long either way.
        user.PasswordHash = passwords.Hash(user, body.Password);
        if (await db.Users.AnyAsync(u => u.Email == email, cancel)) return NotMade();
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancel);
        }
        catch (DbUpdateException)
        {
            // The same email registered a moment ago by another request: the unique index said no.
            db.Entry(user).State = EntityState.Detached;
            if (!await db.Users.AnyAsync(u => u.Email == email, cancel)) throw;
            return NotMade();
        }
        return TypedResults.Ok(new TokenResponse(tokens.Issue(user), true));
    }

    /// <summary>
    /// Whoever owns the email reads a way forward; whoever probes for accounts reads nothing they could not
    /// have guessed. A new email answers 200 with a token, so the two still differ: the sign-in limits make
    /// asking as slow as guessing passwords.
    /// </summary>
    private static Accepted<RegistrationNotMade> NotMade() =>
        TypedResults.Accepted((string?)null, new RegistrationNotMade(false, "No account was made with these details. If you have one, sign in with it."));

    /// <summary>Bad credentials get 404, as in the seed, the same answer in the same time whichever part was wrong.</summary>
    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        LoginRequest body, HttpContext http, ChatDb db, Tokens tokens, Passwords passwords, SignInLimit limit, CancellationToken cancel)
    {
        var email = Normalize(body.Email);
        if (limit.Refusal(http, email) is { } tooMany) return tooMany;
        if (body.Password is { Length: > Passwords.MaxLength })
        {
            return TypedResults.Problem($"A password is at most {Passwords.MaxLength} characters.", statusCode: 400);
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, cancel);
        if (!passwords.Matches(user, body.Password ?? ""))
        {
            limit.Failed(http, email);
            return TypedResults.Problem("No account matches that email and password.", statusCode: 404);
        }
        return TypedResults.Ok(new TokenResponse(tokens.Issue(user!), true));
    }

    private static string Normalize(string? email) => email?.Trim().ToLowerInvariant() ?? "";
}
