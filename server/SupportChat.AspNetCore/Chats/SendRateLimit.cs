using SupportChat.Server.Security;

namespace SupportChat.Server.Chats;

/// <summary>How fast messages may be posted (<see cref="PerUserRateLimit"/>): per user, wider for agents, and per client IP.</summary>
public sealed class SendRateLimit(SupportChatOptions options) : PerUserRateLimit(
    options.SendWindow, options.SendLimit, options.AgentSendLimit, options.SendLimitPerIp,
    "Too many messages.", seconds => $"Too many messages. Wait {seconds} seconds before sending again.");

public static class SendRateLimitFilter
{
    public static RouteHandlerBuilder RequireSendRateLimit(this RouteHandlerBuilder endpoint) => endpoint.RequireRateLimit<SendRateLimit>();
}
