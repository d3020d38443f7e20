using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SupportChat.Server.Users;

/// <summary>
/// How often anyone may try a password or register an email: per client IP, and per email from anywhere,
/// so neither one machine nor a botnet guessing one account gets far. Every attempt counts, and it counts
/// before the password is checked: past the limit a right guess is refused like a wrong one.
/// </summary>
public sealed class SignInLimit : IDisposable
{
    private readonly SupportChatOptions options;
    private readonly PartitionedRateLimiter<Attempt> limiter;

    public SignInLimit(SupportChatOptions options)
    {
        this.options = options;
        limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<Attempt, string>(a => RateLimitPartition.GetFixedWindowLimiter(a.Ip, _ => Window(options.SignInLimitPerIp))),
            PartitionedRateLimiter.Create<Attempt, string>(a => RateLimitPartition.GetFixedWindowLimiter(a.Email, _ => Window(options.SignInLimitPerAccount))));
    }

    /// <summary>Counts one attempt; answers the 429 to send when it is one too many, else null.</summary>
    public ProblemHttpResult? Refusal(HttpContext http, string email)
    {
        // Behind a trusted proxy the forwarded-headers middleware has already put the client's address here.
        var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        using var lease = limiter.AttemptAcquire(new Attempt(ip, email));
        if (lease.IsAcquired) return null;

        var seconds = (int)Math.Ceiling(
            (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : options.SignInWindow).TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            $"Too many sign-in attempts. Wait {seconds} seconds and try again.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many sign-in attempts.");
    }

    public void Dispose() => limiter.Dispose();

    private FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = permits, Window = options.SignInWindow, QueueLimit = 0 };

    private readonly record struct Attempt(string Ip, string Email);
}
