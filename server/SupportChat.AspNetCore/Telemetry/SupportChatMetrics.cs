using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SupportChat.Server.Telemetry;

/// <summary>
/// What an operator watches, as OpenTelemetry metrics on the meter <see cref="Name"/> and traces from the
/// activity source of the same name. The app chooses the exporter: <c>demo/server</c> sends both over OTLP
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; any app adds <c>.AddMeter("SupportChat")</c> and
/// <c>.AddSource("SupportChat")</c> to its own OpenTelemetry setup.
/// </summary>
public sealed class SupportChatMetrics
{
    public const string Name = "SupportChat";

    /// <summary>Spans: <c>support_chat.send</c> (store and push of one message) and <c>support_chat.join</c>.</summary>
    public static readonly ActivitySource Traces = new(Name);

    private readonly UpDownCounter<long> connections;
    private readonly UpDownCounter<long> uploadsReading;
    private readonly Counter<long> joinsRefused;
    private readonly Counter<long> messagesStored;
    private readonly Counter<long> pushes;
    private readonly Counter<long> rateLimited;
    private readonly Histogram<double> delivery;

    public SupportChatMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        connections = meter.CreateUpDownCounter<long>("support_chat.connections", "{connection}", "Hub connections open on this instance.");
        uploadsReading = meter.CreateUpDownCounter<long>(
            "support_chat.uploads.reading",
            "{upload}",
            "Uploads being read and checked on this instance; past MaxConcurrentUploads more are answered 503.");
        joinsRefused = meter.CreateCounter<long>("support_chat.joins.refused", "{join}", "JoinGroup calls refused: a conversation the caller may not see.");
        messagesStored = meter.CreateCounter<long>("support_chat.messages.stored", "{message}", "Messages saved (a repeated clientMessageId is not counted again).");
        pushes = meter.CreateCounter<long>("support_chat.pushes", "{push}", "Messages handed to SignalR for a group, by hub method.");
        rateLimited = meter.CreateCounter<long>("support_chat.rate_limit.rejections", "{request}", "Requests answered 429, by the limit's area (chats, visitors, groups, users, hubs).");
        delivery = meter.CreateHistogram<double>(
            "support_chat.delivery.duration",
            "s",
            "From a send's arrival to its push being handed to SignalR for the conversation: the server's share of a message's way to the other side.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    }

    public void Connected() => connections.Add(1);

    public void Disconnected() => connections.Add(-1);

    public void UploadReading() => uploadsReading.Add(1);

    public void UploadRead() => uploadsReading.Add(-1);

    public void JoinRefused() => joinsRefused.Add(1);

    public void MessageStored() => messagesStored.Add(1);

    public void Pushed(string hubMethod) => pushes.Add(1, new KeyValuePair<string, object?>("support_chat.hub_method", hubMethod));

    private static readonly string[] Areas = ["chats", "visitors", "groups", "users", "hubs"];

    /// <summary>A 429, named by the chat's segment of its path (after any prefix the app mapped the chat under), so the areas stay few.</summary>
    public void RateLimited(PathString path)
    {
        var area = path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(Areas.Contains) ?? "";
        rateLimited.Add(1, new KeyValuePair<string, object?>("support_chat.limit", area));
    }

    public void Delivered(TimeSpan elapsed) => delivery.Record(elapsed.TotalSeconds);
}
