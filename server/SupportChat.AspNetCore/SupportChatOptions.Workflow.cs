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

    /// <summary>
    /// A workflow variable that was set but could not be read, as a sentence for <see cref="Auth.StartupChecks"/>:
    /// a team that wrote SUPPORTCHAT_AGENT_RECEIPTS=no meant to hide agents' receipts, not to show them.
    /// </summary>
    public string? WorkflowSettingError { get; private set; }

    private void ApplyWorkflowEnvironment(IConfiguration configuration)
    {
        Hours = configuration["SUPPORTCHAT_HOURS"] ?? Hours;
        TimeZone = configuration["SUPPORTCHAT_TIME_ZONE"] ?? TimeZone;
        if (configuration["SUPPORTCHAT_AGENT_RECEIPTS"] is { } receiptsText)
        {
            if (bool.TryParse(receiptsText, out var receipts)) AgentReceipts = receipts;
            else WorkflowSettingError = $"SUPPORTCHAT_AGENT_RECEIPTS \"{receiptsText}\" is neither true nor false.";
        }
        if (configuration["SUPPORTCHAT_READ_INTERVAL_MS"] is { } readText)
        {
            if (int.TryParse(readText, System.Globalization.CultureInfo.InvariantCulture, out var readMs)) ReadPushInterval = TimeSpan.FromMilliseconds(readMs);
            else WorkflowSettingError = $"SUPPORTCHAT_READ_INTERVAL_MS \"{readText}\" is not a whole number of milliseconds.";
        }
    }
}
