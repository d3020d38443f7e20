using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportChat.Server.Auth;

namespace SupportChat.Server.Security;

/// <summary>
/// A fixed window per user, wider for agents, and behind it a ceiling per client IP whoever acts (a visitor
/// identity costs nothing, so without it one address could act through a hundred of them). A refusal is a
/// 429 with <c>Retry-After</c> in seconds and a problem body, which the widget turns into a short cooldown.
/// It is an endpoint's own filter, not ASP.NET Core's rate-limiting middleware: the app's
/// <c>RateLimiterOptions</c> (its global limiter, its rejection answer) stay the app's.
/// </summary>
public abstract class PerUserRateLimit : IDisposable
{
    private readonly TimeSpan window;
    private readonly string title;
    private readonly Func<int, string> detail;
    private readonly PartitionedRateLimiter<HttpContext> limiter;

    protected PerUserRateLimit(TimeSpan window, int perUser, int perAgent, int perIp, string title, Func<int, string> detail)
    {
        this.window = window;
        this.title = title;
        this.detail = detail;
        limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var agent = http.User.IsAgent();
                var user = http.User.UserId()?.ToString(CultureInfo.InvariantCulture) ?? "anonymous";
                return RateLimitPartition.GetFixedWindowLimiter($"{(agent ? "agent" : "user")}:{user}", _ => Window(agent ? perAgent : perUser));
            }),
            PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetFixedWindowLimiter(TooManyRequests.ClientIp(http), _ => Window(perIp))));
    }

    /// <summary>Counts one action; answers the 429 to send when it is one too many, else null.</summary>
    public ProblemHttpResult? Refusal(HttpContext http)
    {
        using var lease = limiter.AttemptAcquire(http);
        return lease.IsAcquired ? null : TooManyRequests.Problem(http, lease, window, title, detail);
    }

    public void Dispose()
    {
        limiter.Dispose();
        GC.SuppressFinalize(this);
    }

    private FixedWindowRateLimiterOptions Window(int permits) => new() { PermitLimit = permits, Window = window, QueueLimit = 0 };
}

public static class PerUserRateLimitFilter
{
    /// <summary>The endpoint answers the limit's 429 before its handler runs (and before it reads a body).</summary>
    public static RouteHandlerBuilder RequireRateLimit<TLimit>(this RouteHandlerBuilder endpoint)
        where TLimit : PerUserRateLimit =>
        endpoint.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<TLimit>().Refusal(context.HttpContext) is { } refused
                ? refused
                : await next(context));
}
