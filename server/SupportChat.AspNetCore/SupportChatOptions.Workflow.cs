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

    private void ApplyWorkflowEnvironment(IConfiguration configuration)
    {
        if (bool.TryParse(configuration["SUPPORTCHAT_AGENT_RECEIPTS"], out var receipts)) AgentReceipts = receipts;
        if (int.TryParse(configuration["SUPPORTCHAT_READ_INTERVAL_MS"], out var readMs)) ReadPushInterval = TimeSpan.FromMilliseconds(readMs);
    }
}
