using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SupportChat.Server.Groups;

/// <summary>
/// How many conversations one account, and one client IP whoever signs in from it, may create per window:
/// each one is listed to every agent, so without a ceiling one account could bury the real ones.
/// </summary>
public sealed class NewGroupLimit : IDisposable
{
    private readonly SupportChatOptions options;
    private readonly PartitionedRateLimiter<Creator> limiter;

    public NewGroupLimit(SupportChatOptions options)
    {
        this.options = options;
        limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<Creator, string>(c => RateLimitPartition.GetFixedWindowLimiter(c.UserId, _ => Window(options.GroupLimitPerUser))),
            PartitionedRateLimiter.Create<Creator, string>(c => RateLimitPartition.GetFixedWindowLimiter(c.Ip, _ => Window(options.GroupLimitPerIp))));
    }

    /// <summary>Counts one new group; answers the 429 to send when it is one too many, else null.</summary>
    public ProblemHttpResult? Refusal(HttpContext http, int userId)
    {
        var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        using var lease = limiter.AttemptAcquire(new Creator(userId.ToString(CultureInfo.InvariantCulture), ip));
        if (lease.IsAcquired) return null;

        var seconds = (int)Math.Ceiling(
            (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : options.GroupWindow).TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            $"Too many new conversations. Wait {seconds} seconds and try again.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many new conversations.");
    }

    public void Dispose() => limiter.Dispose();

    private FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = permits, Window = options.GroupWindow, QueueLimit = 0 };

    private readonly record struct Creator(string UserId, string Ip);
}
