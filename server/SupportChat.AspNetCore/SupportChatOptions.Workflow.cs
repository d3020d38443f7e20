namespace SupportChat.Server;

/// <summary>How the support workflow behaves: read receipts, and (below) when the team is there.</summary>
public sealed partial class SupportChatOptions
{
    /// <summary>
    /// Whether visitors hear how far agents have read (<c>ReadUpTo</c>). Off (<c>SUPPORTCHAT_AGENT_RECEIPTS=false</c>)
    /// for a team that does not want "Seen" under a message nobody has answered yet; agents always hear the visitor's.
    /// </summary>
    public bool AgentReceipts { get; set; } = true;

    /// <summary>One <c>ReadUpTo</c> per reader per conversation per this interval; marks in between are coalesced.</summary>
    public TimeSpan ReadPushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Business hours, as <c>"Mon-Fri 09:00-17:00; Sat 10:00-14:00"</c> in <see cref="TimeZone"/>; empty: always.
    /// Outside them nobody is available, whoever is connected (<see cref="Availability.BusinessHours"/>).
    /// </summary>
    public string Hours { get; set; } = "";

    /// <summary>The IANA time zone of <see cref="Hours"/> (<c>Europe/Berlin</c>); UTC when empty.</summary>
    public string TimeZone { get; set; } = "";

    private void ApplyWorkflowEnvironment(IConfiguration configuration)
    {
        Hours = configuration["SUPPORTCHAT_HOURS"] ?? Hours;
        TimeZone = configuration["SUPPORTCHAT_TIME_ZONE"] ?? TimeZone;
        if (bool.TryParse(configuration["SUPPORTCHAT_AGENT_RECEIPTS"], out var receipts)) AgentReceipts = receipts;
        if (int.TryParse(configuration["SUPPORTCHAT_READ_INTERVAL_MS"], out var readMs)) ReadPushInterval = TimeSpan.FromMilliseconds(readMs);
    }
}
