using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SupportChat.Server.Auth;
using SupportChat.Server.Security;

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
                await TooManyRequests.Problem(context.HttpContext, context.Lease, options.SendWindow, "Too many messages.",
                        seconds => $"Too many messages. Wait {seconds} seconds before sending again.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }
}
