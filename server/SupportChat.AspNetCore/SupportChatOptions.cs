namespace SupportChat.Server;

/// <summary>
/// Settings for the reference server. Bound from the <c>SupportChat</c> configuration section; the
/// flat <c>SUPPORTCHAT_*</c> and <c>PORT</c> environment variables the README documents win over it.
/// </summary>
public sealed partial class SupportChatOptions
{
    public const string Section = "SupportChat";

    public int Port { get; set; } = 5080;

    /// <summary>SQLite database file. Relative paths are taken from the content root.</summary>
    public string Database { get; set; } = "App_Data/supportchat.db";

    /// <summary>PostgreSQL connection string: messages live there instead of in SQLite, shared by every instance.</summary>
    public string Postgres { get; set; } = "";

    /// <summary>Redis connection string: the SignalR backplane, so a push on one instance reaches widgets on all.</summary>
    public string Redis { get; set; } = "";

    /// <summary>
    /// This instance's name, reported by <c>/health</c>, so tests and operators can tell instances apart.
    /// Empty unless set: the host name is not told to whoever asks.
    /// </summary>
    public string InstanceName { get; set; } = "";

    /// <summary>
    /// A hub URL to send widgets to from <c>/hubs/redirect</c>, the way Azure SignalR Service's negotiate
    /// sends clients to the service (<c>{ url, accessToken }</c>).
    /// </summary>
    public string RedirectTo { get; set; } = "";

    /// <summary>
    /// Origins allowed to call the API and the hub (<c>https://shop.example.com</c>; a trailing slash is
    /// dropped). Required outside the demo; in the demo, empty means this server's own origin.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// HMAC key for JWTs, base64. Empty is refused at start unless <see cref="GenerateJwtKey"/> is set or this
    /// is the demo: then a key is generated once and kept beside the database.
    /// </summary>
    public string JwtKey { get; set; } = "";

    /// <summary>
    /// Without <see cref="JwtKey"/>, generate a key once and keep it beside the SQLite database (mode 0600).
    /// The reference server sets it, so one machine needs no secret configured; every instance behind a
    /// balancer needs the same key, so an app that may run several sets <see cref="JwtKey"/> instead.
    /// </summary>
    public bool GenerateJwtKey { get; set; }

    public string JwtIssuer { get; set; } = "support-chat";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public string AgentEmail { get; set; } = "agent@example.com";

    /// <summary>The demo's agent password, printed in the README: refused outside the demo.</summary>
    public const string DemoAgentPassword = "support-demo";

    public string AgentPassword { get; set; } = DemoAgentPassword;

    public string AgentName { get; set; } = "Support team";

    /// <summary>
    /// Whether <c>/users/register</c> and <c>/users/login</c> take passwords (on, as in the seed). An app whose
    /// users and agents sign in with its own sign-in (<c>SupportChatUsers</c>) turns them off: then no one
    /// has a chat password to guess, and both answer 404.
    /// </summary>
    public bool PasswordAccounts { get; set; } = true;

    /// <summary>
    /// Run as the demo on purpose (<c>SUPPORTCHAT_DEMO=true</c>, or the Development environment): the
    /// default agent password is allowed then, and said so at start. Outside the demo the server refuses it.
    /// </summary>
    public bool Demo { get; set; }

    /// <summary>Sign-in attempts (logins and registrations) one client IP may make per <see cref="SignInWindow"/>.</summary>
    public int SignInLimitPerIp { get; set; } = 20;

    /// <summary>Wrong passwords for one email from one client IP per <see cref="SignInWindow"/>; then that IP is refused for that account.</summary>
    public int SignInLimitPerAccount { get; set; } = 5;

    /// <summary>
    /// Wrong passwords for one email from anywhere per <see cref="SignInWindow"/>: what bounds guessing one
    /// password from many addresses. High, since past it the owner is refused too.
    /// </summary>
    public int SignInCeilingPerAccount { get; set; } = 100;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    public int MaxMessageLength { get; set; } = 4000;

    /// <summary>Messages a visitor or user may send per <see cref="SendWindow"/>.</summary>
    public int SendLimit { get; set; } = 20;

    /// <summary>Messages an agent may send per <see cref="SendWindow"/>: agents answer many conversations at once.</summary>
    public int AgentSendLimit { get; set; } = 300;

    public TimeSpan SendWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Folder of the demo pages served at <c>/</c>, relative to the content root.</summary>
    public string DemoPath { get; set; } = "..";

    /// <summary>Folder of the built widget served at <c>/dist/</c>, relative to the content root.</summary>
    public string DistPath { get; set; } = "../../dist";

    public void ApplyEnvironment(IConfiguration configuration)
    {
        if (int.TryParse(configuration["PORT"], out var port)) Port = port;
        Database = configuration["SUPPORTCHAT_DB"] is { Length: > 0 } db ? db : Database;
        JwtKey = configuration["SUPPORTCHAT_JWT_KEY"] ?? JwtKey;
        AgentEmail = configuration["SUPPORTCHAT_AGENT_EMAIL"] is { Length: > 0 } email ? email : AgentEmail;
        AgentPassword = configuration["SUPPORTCHAT_AGENT_PASSWORD"] is { Length: > 0 } pw ? pw : AgentPassword;
        if (bool.TryParse(configuration["SUPPORTCHAT_DEMO"], out var demo)) Demo = demo;
        if (int.TryParse(configuration["SUPPORTCHAT_SIGNIN_IP_LIMIT"], out var ipLimit)) SignInLimitPerIp = ipLimit;
        if (int.TryParse(configuration["SUPPORTCHAT_SIGNIN_ACCOUNT_LIMIT"], out var accountLimit)) SignInLimitPerAccount = accountLimit;
        if (int.TryParse(configuration["SUPPORTCHAT_SIGNIN_ACCOUNT_CEILING"], out var accountCeiling)) SignInCeilingPerAccount = accountCeiling;
        if (int.TryParse(configuration["SUPPORTCHAT_SIGNIN_WINDOW_SECONDS"], out var signInSeconds)) SignInWindow = TimeSpan.FromSeconds(signInSeconds);
        if (int.TryParse(configuration["SUPPORTCHAT_SEND_LIMIT"], out var sendLimit)) SendLimit = sendLimit;
        if (int.TryParse(configuration["SUPPORTCHAT_AGENT_SEND_LIMIT"], out var agentSendLimit)) AgentSendLimit = agentSendLimit;
        if (int.TryParse(configuration["SUPPORTCHAT_SEND_WINDOW_SECONDS"], out var windowSeconds)) SendWindow = TimeSpan.FromSeconds(windowSeconds);
        if (int.TryParse(configuration["SUPPORTCHAT_TOKEN_SECONDS"], out var tokenSeconds)) TokenLifetime = TimeSpan.FromSeconds(tokenSeconds);
        Postgres = configuration["SUPPORTCHAT_POSTGRES"] ?? Postgres;
        Redis = configuration["SUPPORTCHAT_REDIS"] ?? Redis;
        InstanceName = configuration["SUPPORTCHAT_INSTANCE"] is { Length: > 0 } instance ? instance : InstanceName;
        RedirectTo = configuration["SUPPORTCHAT_REDIRECT_TO"] ?? RedirectTo;
        if (configuration["SUPPORTCHAT_ORIGINS"] is { Length: > 0 } origins)
        {
            AllowedOrigins = origins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        ApplyLimitsEnvironment(configuration);
        ApplyFilesEnvironment(configuration);
        ApplyWorkflowEnvironment(configuration);
    }

    /// <summary>Makes the file paths absolute, relative to the content root.</summary>
    public void ResolvePaths(string contentRoot)
    {
        Database = Path.GetFullPath(Database, contentRoot);
        DemoPath = Path.GetFullPath(DemoPath, contentRoot);
        DistPath = Path.GetFullPath(DistPath, contentRoot);
        FilesPath = ResolveFilesPath(contentRoot);
    }

    /// <summary>
    /// The allow-list in force: the configured origins as a browser sends them (no trailing slash), or in the
    /// demo, when none are configured, this server's own. Outside the demo none configured stops the start.
    /// </summary>
    public string[] EffectiveOrigins() =>
        AllowedOrigins.Length > 0 ? [.. AllowedOrigins.Select(o => o.TrimEnd('/'))] : Demo ? OwnOrigins() : [];

    /// <summary>This server's own origin, by both of the names a browser on the same machine may use.</summary>
    public string[] OwnOrigins() => [$"http://127.0.0.1:{Port}", $"http://localhost:{Port}"];
}
