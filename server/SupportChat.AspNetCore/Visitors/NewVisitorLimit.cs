using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportChat.Server.Security;

namespace SupportChat.Server.Visitors;

/// <summary>
/// How many new visitors (each a conversation in every agent's list) one client IP may start per window.
/// Counted where a visitor is made, not per request: a returning visitor's page load calls the same
/// <c>POST /visitors</c> and must never be refused for it.
/// </summary>
public sealed class NewVisitorLimit(SupportChatOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.VisitorLimitPerIp,
            Window = options.VisitorWindow,
            QueueLimit = 0,
        }));

    /// <summary>Counts a new visitor from this request's client; a refusal as the 429 to answer, with <c>Retry-After</c> set.</summary>
    public ProblemHttpResult? Refuse(HttpContext http)
    {
        using var lease = limiter.AttemptAcquire(TooManyRequests.ClientIp(http));
        return lease.IsAcquired
            ? null
            : TooManyRequests.Problem(http, lease, options.VisitorWindow, "Too many new conversations.",
                seconds => $"Too many new conversations from your network. Wait {seconds} seconds and try again.");
    }

    public void Dispose() => limiter.Dispose();
}
