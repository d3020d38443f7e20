using SupportChat.Server.Security;

namespace SupportChat.Server.Files;

/// <summary>How fast files may be uploaded (<see cref="PerUserRateLimit"/>): per user, wider for agents, and per client IP.</summary>
public sealed class UploadRateLimit(SupportChatOptions options) : PerUserRateLimit(
    options.SendWindow, options.UploadLimit, options.AgentUploadLimit, options.UploadLimitPerIp,
    "Too many files.", seconds => $"Too many files. Wait {seconds} seconds before uploading again.");
