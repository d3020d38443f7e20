using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SupportChat.Server.Auth;

namespace SupportChat.Server.Chats;

/// <summary>
/// How fast one user may post: a fixed window per user, wider for agents. A refusal is a 429 with
/// <c>Retry-After</c> in seconds and a problem body, which the widget turns into a short cooldown.
/// </summary>
public static class SendRateLimit
{
    public const string Policy = "send";

    public static IServiceCollection AddSendRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<SupportChatOptions>((limiter, options) =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, http =>
            {
                var agent = http.User.IsAgent();
                return RateLimitPartition.GetFixedWindowLimiter(
                    http.User.UserId()?.ToString(CultureInfo.InvariantCulture) ?? "anonymous",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = agent ? options.AgentSendLimit : options.SendLimit,
                        Window = options.SendWindow,
                        QueueLimit = 0,
                    });
            });
            limiter.OnRejected = async (context, cancel) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? (int)Math.Ceiling(retryAfter.TotalSeconds)
                    : (int)Math.Ceiling(options.SendWindow.TotalSeconds);
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                        $"Too many messages. Wait {seconds} seconds before sending again.",
                        statusCode: StatusCodes.Status429TooManyRequests,
                        title: "Too many messages.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }
}
