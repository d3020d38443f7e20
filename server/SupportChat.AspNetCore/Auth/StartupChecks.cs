using SupportChat.Server.Users;

namespace SupportChat.Server.Auth;

/// <summary>
/// What the server checks before it serves anyone: outside the demo, no agent password that the README
/// prints or that is short enough to guess; anywhere, no signing key too short to sign with. A refusal is
/// one sentence for stderr, and the server exits without starting.
/// </summary>
public static class StartupChecks
{
    public const int MinAgentPasswordLength = 12;

    /// <summary>HMAC-SHA256 wants a key at least as long as its output; the token library refuses shorter ones at the first sign-in.</summary>
    public const int MinJwtKeyBytes = 32;

    public static string? Refusal(SupportChatOptions options)
    {
        if (options.JwtKey.Length > 0)
        {
            var key = new byte[options.JwtKey.Length];
            if (!Convert.TryFromBase64String(options.JwtKey, key, out var length))
            {
                return "Refusing to start: SupportChat:JwtKey (SUPPORTCHAT_JWT_KEY) is not base64. Make one with: openssl rand -base64 32";
            }
            if (length < MinJwtKeyBytes)
            {
                return $"Refusing to start: SupportChat:JwtKey (SUPPORTCHAT_JWT_KEY) is {length} bytes; it must be at least {MinJwtKeyBytes}. Make one with: openssl rand -base64 32";
            }
        }
        else if (!options.GenerateJwtKey && !options.Demo)
        {
            return "Refusing to start: there is no JWT signing key. Set SupportChat:JwtKey (SUPPORTCHAT_JWT_KEY) to one of your own: openssl rand -base64 32";
        }
        if (Availability.BusinessHours.Parse(options.Hours, options.TimeZone).Error is { } hours) return $"Refusing to start: {hours}";
        if (options.WorkflowSettingError is { } unreadable) return $"Refusing to start: {unreadable}";
        if (options.ReadPushInterval < TimeSpan.Zero)
        {
            return "Refusing to start: SupportChat:ReadPushInterval (SUPPORTCHAT_READ_INTERVAL_MS) must be 0 or more milliseconds.";
        }
        // Anywhere, the demo too: a password login would refuse can never sign the agent in.
        if (options.AgentPassword.Length > Passwords.MaxLength)
        {
            return $"Refusing to start: SupportChat:AgentPassword (SUPPORTCHAT_AGENT_PASSWORD) is longer than {Passwords.MaxLength} characters, the most a login accepts.";
        }
        if (!options.Demo && options.AgentPassword == SupportChatOptions.DemoAgentPassword)
        {
            return "Refusing to start: the agent password is the demo's. Set SupportChat:AgentPassword (SUPPORTCHAT_AGENT_PASSWORD) to one of your own "
                + $"(at least {MinAgentPasswordLength} characters), or SupportChat:Demo (SUPPORTCHAT_DEMO) to true to run the demo.";
        }
        if (!options.Demo && options.AgentPassword.Length < MinAgentPasswordLength)
        {
            return $"Refusing to start: SupportChat:AgentPassword (SUPPORTCHAT_AGENT_PASSWORD) is shorter than {MinAgentPasswordLength} characters.";
        }
        if (OriginsRefusal(options) is { } origins) return origins;
        if (FilesRefusal(options) is { } files) return files;
        try
        {
            options.ParsedTrustedProxies();
            return null;
        }
        catch (InvalidOperationException notAnAddress)
        {
            return $"Refusing to start: {notAnAddress.Message}";
        }
    }

    /// <summary>Each allowed origin must be one a browser sends: a scheme, a host and a port, nothing else.</summary>
    private static string? OriginsRefusal(SupportChatOptions options)
    {
        if (options.AllowedOrigins.Length == 0 && !options.Demo)
        {
            return "Refusing to start: SupportChat:AllowedOrigins (SUPPORTCHAT_ORIGINS) is empty. Name the sites that embed the widget, such as https://shop.example.com.";
        }
        foreach (var origin in options.AllowedOrigins)
        {
            if (origin.Contains('*'))
            {
                return $"Refusing to start: SupportChat:AllowedOrigins (SUPPORTCHAT_ORIGINS) contains \"{origin}\". The widget's calls carry "
                    + "credentials, which browsers never send to a wildcard origin: name each site that embeds the widget.";
            }
            var trimmed = origin.TrimEnd('/');
            if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.GetLeftPart(UriPartial.Authority) != trimmed.ToLowerInvariant())
            {
                return $"Refusing to start: \"{origin}\" in SupportChat:AllowedOrigins (SUPPORTCHAT_ORIGINS) is not an origin. "
                    + "Write it as a browser sends it: scheme, host and port only, such as https://shop.example.com.";
            }
        }
        return null;
    }

    /// <summary>
    /// The first line a demo prints (the reference server on the console; any app as a warning in its log),
    /// so nobody mistakes it for a deployment: it names the password anyone can read in the README.
    /// </summary>
    public static string DemoNotice(SupportChatOptions options) =>
        options.AgentPassword == SupportChatOptions.DemoAgentPassword
            ? $"Demo mode: default agent {options.AgentEmail} / {SupportChatOptions.DemoAgentPassword}, a password printed in the README — not for production; a demo must never face the internet."
            : $"Demo mode: agent {options.AgentEmail}, and the demo's relaxed checks — not for production; a demo must never face the internet.";

    /// <summary>File settings found wrong now rather than at the first upload, as a 500 to a visitor.</summary>
    private static string? FilesRefusal(SupportChatOptions options)
    {
        if (options.MaxFileBytes <= 0)
        {
            return "Refusing to start: SupportChat:MaxFileBytes (SUPPORTCHAT_MAX_FILE_BYTES) must be a number of bytes above 0.";
        }
        // An upload is checked in one buffer of the file's size.
        if (options.MaxFileBytes > 1024L * 1024 * 1024)
        {
            return "Refusing to start: SupportChat:MaxFileBytes (SUPPORTCHAT_MAX_FILE_BYTES) may be at most 1 GB (1073741824).";
        }
        if (options.MaxConcurrentUploads <= 0)
        {
            return "Refusing to start: SupportChat:MaxConcurrentUploads (SUPPORTCHAT_MAX_CONCURRENT_UPLOADS) must be a number above 0.";
        }
        if (options.FileUrlKey.Length > 0)
        {
            var key = new byte[options.FileUrlKey.Length];
            if (!Convert.TryFromBase64String(options.FileUrlKey, key, out var length) || length < MinJwtKeyBytes)
            {
                return $"Refusing to start: SupportChat:FileUrlKey (SUPPORTCHAT_FILE_URL_KEY) must be base64 of at least {MinJwtKeyBytes} bytes. Make one with: openssl rand -base64 32";
            }
        }
        if (options.Blob.Length > 0)
        {
            try
            {
                _ = new Azure.Storage.Blobs.BlobContainerClient(options.Blob, options.BlobContainer);
            }
            catch (Exception invalid) when (invalid is FormatException or ArgumentException)
            {
                return "Refusing to start: SupportChat:Blob (SUPPORTCHAT_BLOB) is not an Azure Storage connection string, or SupportChat:BlobContainer is not a container name.";
            }
        }
        return null;
    }
}
