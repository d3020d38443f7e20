using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SupportChat.Server.Telemetry;

namespace SupportChat.Server.Tests;

/// <summary>
/// The meter is found by name, process-wide: tests that count on it run alone, so no other test's server
/// adds to the counts.
/// </summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>
/// The server's metrics and traces as an operator's OpenTelemetry pipeline receives them: read with
/// OpenTelemetry's in-memory exporter after a visitor connects, is refused a conversation, sends until the
/// rate limit answers 429, and receives their pushes.
/// </summary>
[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests : IAsyncLifetime
{
    private sealed class TelemetryServer : ServerFactory
    {
        public List<MetricSnapshot> Metrics { get; } = [];

        public List<Activity> Spans { get; } = [];

        protected override IEnumerable<(string Key, string Value)> Settings => [("SUPPORTCHAT_SEND_LIMIT", "2")];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddOpenTelemetry()
                .WithMetrics(metrics => metrics.AddMeter(SupportChatMetrics.Name).AddInMemoryExporter(Metrics))
                // As demo/server sets it up: the chat's spans are children of ASP.NET Core's request spans,
                // which the default sampler follows, so the request spans are listened to as well.
                .WithTracing(tracing => tracing.AddSource(SupportChatMetrics.Name, "Microsoft.AspNetCore").AddInMemoryExporter(Spans)));
        }

        /// <summary>The newest export of one instrument, after a flush of everything recorded so far.</summary>
        public MetricSnapshot Read(string name)
        {
            Metrics.Clear();
            Services.GetRequiredService<MeterProvider>().ForceFlush();
            return Assert.Single(Metrics, m => m.Name == name);
        }
    }

    private readonly TelemetryServer server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static long Sum(MetricSnapshot metric, string? tag = null, string? value = null)
    {
        long sum = 0;
        foreach (var point in metric.MetricPoints)
        {
            if (tag is not null && !HasTag(point, tag, value)) continue;
            sum += point.GetSumLong();
        }
        return sum;
    }

    private static bool HasTag(MetricPoint point, string tag, string? value)
    {
        foreach (var pair in point.Tags)
        {
            if (pair.Key == tag && Equals(pair.Value, value)) return true;
        }
        return false;
    }

    [Fact]
    public async Task Connections_refused_joins_stored_messages_pushes_rate_limits_and_delivery_time_are_measured()
    {
        var visitor = await server.NewVisitor("Ada");
        var stranger = await server.NewVisitor("Bob");
        await using var hub = server.Hub(visitor.Token);
        var pushes = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("ReceiveMessage", message => pushes.Writer.TryWrite(message));
        await hub.StartAsync();
        await hub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinGroup", stranger.GroupId.ToString()));

        var client = server.ClientWith(visitor.Token);
        foreach (var text in new[] { "one", "two" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = text })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "three" })).StatusCode);
        // Both pushes have reached the client, so both were counted before it.
        await pushes.Reader.ReadAsync();
        await pushes.Reader.ReadAsync();

        Assert.Equal(1, Sum(server.Read("support_chat.connections")));
        Assert.Equal(1, Sum(server.Read("support_chat.joins.refused")));
        Assert.Equal(2, Sum(server.Read("support_chat.messages.stored")));
        var pushed = server.Read("support_chat.pushes");
        Assert.Equal(2, Sum(pushed, "support_chat.hub_method", "ReceiveMessage"));
        Assert.Equal(2, Sum(pushed, "support_chat.hub_method", "ConversationMessage"));
        Assert.Equal(1, Sum(server.Read("support_chat.rate_limit.rejections"), "support_chat.limit", "chats"));
        var delivery = Assert.Single(server.Read("support_chat.delivery.duration").MetricPoints);
        Assert.Equal(2, delivery.GetHistogramCount());
        Assert.True(delivery.GetHistogramSum() > 0);

        var sends = server.Spans.Where(s => s.OperationName == "support_chat.send").ToList();
        Assert.Equal(2, sends.Count);
        Assert.All(sends, s => Assert.Equal(visitor.GroupId, s.GetTagItem("support_chat.group_id")));
        var joins = server.Spans.Where(s => s.OperationName == "support_chat.join").ToList();
        Assert.Equal([ActivityStatusCode.Unset, ActivityStatusCode.Error], joins.Select(s => s.Status));
    }
}

/// <summary>
/// The export an operator configures with nothing but the standard variables: the built server, started as
/// a process with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, sends its metrics and traces over OTLP/HTTP to a
/// receiver on 127.0.0.1. (A process, since the server decides on the exporter from its environment as it
/// starts, before an in-memory test host's settings apply.)
/// </summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private readonly HttpListener receiver = new();
    private readonly string folder = Directory.CreateTempSubdirectory("support-chat-otlp-").FullName;
    private readonly TaskCompletionSource metricsArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource tracesArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource joinTraced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> exported = new();
    private readonly StringBuilder output = new();
    private Process? server;

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xUnit 2 does not call the latter on a test class, and the server
    // process outlived the test run.
    public async Task DisposeAsync()
    {
        if (server is { HasExited: false }) server.Kill(entireProcessTree: true);
        if (server is not null) await server.WaitForExitAsync();
        server?.Dispose();
        receiver.Close();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Answers every export with 200, and says when one names what the test waits for.</summary>
    private async Task Receive()
    {
        while (receiver.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await receiver.GetContextAsync();
            }
            catch (Exception) when (!receiver.IsListening)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            // Protocol buffers keep strings as they are, so a metric's or a span's name can be found in the bytes.
            var text = Encoding.UTF8.GetString(body.ToArray());
            exported.Enqueue($"{context.Request.Url!.AbsolutePath}\n{text}");
            if (context.Request.Url!.AbsolutePath == "/v1/metrics" && text.Contains("support_chat.messages.stored", StringComparison.Ordinal)) metricsArrived.TrySetResult();
            if (context.Request.Url.AbsolutePath == "/v1/traces" && text.Contains("support_chat.send", StringComparison.Ordinal)) tracesArrived.TrySetResult();
            if (context.Request.Url.AbsolutePath == "/v1/traces" && text.Contains("support_chat.join", StringComparison.Ordinal)) joinTraced.TrySetResult();
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    [Fact]
    public async Task Metrics_and_traces_reach_the_collector_named_by_OTEL_EXPORTER_OTLP_ENDPOINT_without_names_text_or_tokens()
    {
        var collector = $"http://127.0.0.1:{FreePort()}/";
        receiver.Prefixes.Add(collector);
        receiver.Start();
        _ = Receive();

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "SupportChat.Server.dll") },
            WorkingDirectory = ServerFactory.ServerProjectFolder(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SUPPORTCHAT_") || k.StartsWith("ASPNETCORE_") || k.StartsWith("OTEL_")).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SUPPORTCHAT_DB"] = Path.Combine(folder, "chat.db");
        start.Environment["SUPPORTCHAT_AGENT_PASSWORD"] = "a-long-agent-password";
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.TrimEnd('/');
        start.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        // Export every quarter second instead of every minute, so the test waits for the export, not the clock.
        start.Environment["OTEL_METRIC_EXPORT_INTERVAL"] = "250";
        start.Environment["OTEL_BSP_SCHEDULE_DELAY"] = "250";
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server = new Process { StartInfo = start, EnableRaisingEvents = true };
        server.OutputDataReceived += (_, line) =>
        {
            lock (output) output.Append(line.Data).Append('\n');
            if (line.Data?.Contains("Application started", StringComparison.Ordinal) == true) listening.TrySetResult();
        };
        server.ErrorDataReceived += (_, line) =>
        {
            lock (output) output.Append(line.Data).Append('\n');
        };
        server.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The server exited:\n{output}"));
        server.Start();
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var visitor = (await (await client.PostAsJsonAsync("/visitors", new { name = "Ada Nameprobe" })).Content.ReadFromJsonAsync<VisitorAnswer>())!;
        // The hub's query-string token, and a refused join whose input is a marker of the caller's choosing.
        await using (var hub = new HubConnectionBuilder()
            .WithUrl($"http://127.0.0.1:{port}/hubs/groupchat", http => http.AccessTokenProvider = () => Task.FromResult<string?>(visitor.Token))
            .Build())
        {
            await hub.StartAsync();
            await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinGroup", "join-marker-probe"));
        }
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", visitor.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "text-probe hello" })).StatusCode);

        await metricsArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await joinTraced.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await tracesArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // What reaches a collector is kept and shown to more people than the server's own log: no one's name,
        // no message, no token, and nothing a caller typed.
        var tokenSignature = visitor.Token.Split('.')[2];
        foreach (var export in exported)
        {
            Assert.DoesNotContain("Nameprobe", export);
            Assert.DoesNotContain("text-probe", export);
            Assert.DoesNotContain(tokenSignature, export);
            Assert.DoesNotContain("join-marker-probe", export);
        }
    }
}
