using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportChat.Server.Security;

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
        using var lease = limiter.AttemptAcquire(new Creator(userId.ToString(CultureInfo.InvariantCulture), TooManyRequests.ClientIp(http)));
        return lease.IsAcquired
            ? null
            : TooManyRequests.Problem(http, lease, options.GroupWindow, "Too many new conversations.",
                seconds => $"Too many new conversations. Wait {seconds} seconds and try again.");
    }

    public void Dispose() => limiter.Dispose();

    private FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = permits, Window = options.GroupWindow, QueueLimit = 0 };

    private readonly record struct Creator(string UserId, string Ip);
}
