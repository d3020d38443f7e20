using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportChat.Server.Auth;
using SupportChat.Server.Security;

namespace SupportChat.Server.Chats;

/// <summary>
/// How fast messages may be posted: a fixed window per user, wider for agents, and behind it a ceiling per
/// client IP whoever sends (a visitor identity costs nothing, so without it one address could send through a
/// hundred of them). A refusal is a 429 with <c>Retry-After</c> in seconds and a problem body, which the
/// widget turns into a short cooldown. It is the send endpoint's own filter, not ASP.NET Core's rate-limiting
/// middleware: the app's <c>RateLimiterOptions</c> (its global limiter, its rejection answer) stay the app's.
/// </summary>
public sealed class SendRateLimit : IDisposable
{
    private readonly SupportChatOptions options;
    private readonly PartitionedRateLimiter<HttpContext> limiter;

    public SendRateLimit(SupportChatOptions options)
    {
        this.options = options;
        limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var agent = http.User.IsAgent();
                var user = http.User.UserId()?.ToString(CultureInfo.InvariantCulture) ?? "anonymous";
                return RateLimitPartition.GetFixedWindowLimiter(
                    $"{(agent ? "agent" : "user")}:{user}",
                    _ => Window(agent ? options.AgentSendLimit : options.SendLimit));
            }),
            PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetFixedWindowLimiter(TooManyRequests.ClientIp(http), _ => Window(options.SendLimitPerIp))));
    }

    /// <summary>Counts one message; answers the 429 to send when it is one too many, else null.</summary>
    public ProblemHttpResult? Refusal(HttpContext http)
    {
        using var lease = limiter.AttemptAcquire(http);
        return lease.IsAcquired
            ? null
            : TooManyRequests.Problem(http, lease, options.SendWindow, "Too many messages.",
                seconds => $"Too many messages. Wait {seconds} seconds before sending again.");
    }

    public void Dispose() => limiter.Dispose();

    private FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = permits, Window = options.SendWindow, QueueLimit = 0 };
}

public static class SendRateLimitFilter
{
    /// <summary>The endpoint answers the limit's 429 before its handler runs.</summary>
    public static RouteHandlerBuilder RequireSendRateLimit(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<SendRateLimit>().Refusal(context.HttpContext) is { } refused
                ? refused
                : await next(context));
}
