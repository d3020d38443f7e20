using System.Net;

namespace SupportChat.Server;

/// <summary>
/// The limits that keep one client from using up the server, and what the server believes of the network
/// in front of it. Each has a <c>SUPPORTCHAT_*</c> variable; the README's "Security" section lists them.
/// </summary>
public sealed partial class SupportChatOptions
{
    /// <summary>Hub connections one user may hold open on one instance; the next is closed at once.</summary>
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>A connection's <c>Typing</c> calls forwarded at most once per this interval; the rest are dropped.</summary>
    public TimeSpan TypingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>History without paging parameters: the newest this many messages (the seed returns all).</summary>
    public int HistoryCap { get; set; } = 1000;

    /// <summary>Conversations in one page of <c>GET /groups</c> when no <c>limit</c> is given, and the most one may ask for.</summary>
    public int GroupsPage { get; set; } = 100;

    /// <summary>New visitors (<c>POST /visitors</c>) one client IP may start per <see cref="VisitorWindow"/>.</summary>
    public int VisitorLimitPerIp { get; set; } = 10;

    public TimeSpan VisitorWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Messages from one client IP per <see cref="SendWindow"/>, whoever sends them: behind the per-user
    /// limit, so a hundred fresh visitor identities from one address cannot send a hundred times as much.
    /// </summary>
    public int SendLimitPerIp { get; set; } = 60;

    /// <summary>Conversations one account may create with <c>POST /groups</c> per <see cref="GroupWindow"/>.</summary>
    public int GroupLimitPerUser { get; set; } = 10;

    /// <summary>Conversations created with <c>POST /groups</c> from one client IP per <see cref="GroupWindow"/>, whoever signs in.</summary>
    public int GroupLimitPerIp { get; set; } = 30;

    public TimeSpan GroupWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed: addresses or networks
    /// (<c>10.0.0.0/8</c>). Empty: none, and the client is whoever opened the connection.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Serve the OpenAPI document at <c>/openapi/v1.json</c>. Off unless set, or in Development (the demo).</summary>
    public bool? OpenApi { get; set; }

    private void ApplyLimitsEnvironment(IConfiguration configuration)
    {
        if (int.TryParse(configuration["SUPPORTCHAT_MAX_CONNECTIONS_PER_USER"], out var connections)) MaxConnectionsPerUser = connections;
        if (int.TryParse(configuration["SUPPORTCHAT_TYPING_INTERVAL_MS"], out var typingMs)) TypingInterval = TimeSpan.FromMilliseconds(typingMs);
        if (int.TryParse(configuration["SUPPORTCHAT_HISTORY_CAP"], out var historyCap)) HistoryCap = historyCap;
        if (int.TryParse(configuration["SUPPORTCHAT_GROUPS_PAGE"], out var groupsPage)) GroupsPage = groupsPage;
        if (int.TryParse(configuration["SUPPORTCHAT_VISITOR_LIMIT_PER_IP"], out var visitors)) VisitorLimitPerIp = visitors;
        if (int.TryParse(configuration["SUPPORTCHAT_VISITOR_WINDOW_SECONDS"], out var visitorSeconds)) VisitorWindow = TimeSpan.FromSeconds(visitorSeconds);
        if (int.TryParse(configuration["SUPPORTCHAT_SEND_LIMIT_PER_IP"], out var sends)) SendLimitPerIp = sends;
        if (int.TryParse(configuration["SUPPORTCHAT_GROUP_LIMIT_PER_USER"], out var groupsPerUser)) GroupLimitPerUser = groupsPerUser;
        if (int.TryParse(configuration["SUPPORTCHAT_GROUP_LIMIT_PER_IP"], out var groupsPerIp)) GroupLimitPerIp = groupsPerIp;
        if (int.TryParse(configuration["SUPPORTCHAT_GROUP_WINDOW_SECONDS"], out var groupSeconds)) GroupWindow = TimeSpan.FromSeconds(groupSeconds);
        if (bool.TryParse(configuration["SUPPORTCHAT_OPENAPI"], out var openApi)) OpenApi = openApi;
        if (configuration["SUPPORTCHAT_TRUSTED_PROXIES"] is { Length: > 0 } proxies)
        {
            TrustedProxies = proxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
    }

    /// <summary>The trusted proxies, parsed: single addresses and networks. A value that is neither stops the start.</summary>
    public (IPAddress[] Proxies, System.Net.IPNetwork[] Networks) ParsedTrustedProxies()
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in TrustedProxies)
        {
            if (entry.Contains('/') && System.Net.IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) proxies.Add(address);
            else throw new InvalidOperationException($"SupportChat:TrustedProxies (SUPPORTCHAT_TRUSTED_PROXIES): \"{entry}\" is neither an IP address nor a network.");
        }
        return ([.. proxies], [.. networks]);
    }
}
