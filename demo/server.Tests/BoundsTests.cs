using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportChat.Server.Data;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Tests;

/// <summary>Small pages, and every log line kept for the test to read.</summary>
public sealed class SmallPagesServer : ServerFactory
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Error)> Log { get; } = new();

    /// <summary>Tests waiting for a line: each is completed by the first line that matches it.</summary>
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> waiters = [];

    protected override IEnumerable<(string Key, string Value)> Settings => [("SUPPORTCHAT_HISTORY_CAP", "5"), ("SUPPORTCHAT_GROUPS_PAGE", "3")];

    /// <summary>Completes when a line matching <paramref name="match"/> has been logged (at once if one already was).</summary>
    public Task Logged(Func<string, bool> match)
    {
        lock (waiters)
        {
            if (Log.Any(entry => match(entry.Message))) return Task.CompletedTask;
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((match, seen));
            return seen.Task;
        }
    }

    private void Add(LogLevel level, string category, string message, Exception? error)
    {
        lock (waiters)
        {
            Log.Enqueue((level, category, message, error));
            foreach (var waiter in waiters.Where(waiter => waiter.Match(message)).ToList())
            {
                waiter.Seen.TrySetResult();
                waiters.Remove(waiter);
            }
        }
    }

    /// <summary>A message with this text is refused by the database as a failing disk would refuse it.</summary>
    public const string FailingText = "the disk fails this one";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(new Capture(this))));
        builder.ConfigureTestServices(services => services.ConfigureDbContext<SqliteChatDb>(db => db.AddInterceptors(new FailingDisk())));
    }

    private sealed class FailingDisk : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            command.Parameters.Cast<DbParameter>().Any(parameter => FailingText.Equals(parameter.Value))
                ? throw new SqliteException("disk I/O error", 10)
                : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    private sealed class Capture(SmallPagesServer server) : ILoggerProvider
    {
        public ILogger CreateLogger(string category) => new Logger(server, category);

        public void Dispose()
        {
        }

        private sealed class Logger(SmallPagesServer server, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel level) => true;

            public void Log<TState>(LogLevel level, EventId id, TState state, Exception? error, Func<TState, Exception?, string> format) =>
                server.Add(level, category, format(state, error), error);
        }
    }
}

/// <summary>Answers of bounded size, and a log that says what was refused without letting the input write it.</summary>
public sealed class BoundsTests(SmallPagesServer server) : IClassFixture<SmallPagesServer>
{
    [Fact]
    public async Task A_retried_send_is_answered_with_the_stored_message_and_no_error_in_the_log()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var body = new { message = "sent twice", clientMessageId = "logged-retry" };
        var first = await (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", body)).Content.ReadFromJsonAsync<SendAnswer>();
        var before = server.Log.Count;

        var second = await (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", body)).Content.ReadFromJsonAsync<SendAnswer>();

        Assert.Equal(first!.Chat.Id, second!.Chat.Id);
        // The unique index refusing the second insert is how a retry is found (no look before every insert),
        // not a failure: a lost response retried must not put a stack in an operator's log.
        var errors = server.Log.Skip(before).Where(entry => entry.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n---\n", errors.Select(entry => $"{entry.Category}: {entry.Message}")));
    }

    [Fact]
    public async Task A_send_the_database_fails_is_a_500_with_the_cause_in_the_log_not_taken_for_a_retry()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var before = server.Log.Count;

        var response = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = SmallPagesServer.FailingText, clientMessageId = "disk-fails" });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        // EF's own log of a failed statement is quiet (a retry's refused insert is no error), so the cause must
        // reach the log with the exception that is thrown on: not a stand-in that says "duplicate".
        var errors = server.Log.Skip(before).Where(entry => entry.Level >= LogLevel.Error).ToList();
        Assert.True(
            errors.Any(entry => entry.Error?.ToString().Contains("disk I/O error", StringComparison.Ordinal) == true),
            string.Join("\n---\n", errors.Select(entry => $"{entry.Category}: {entry.Message} {entry.Error}")));
    }

    [Fact]
    public async Task History_without_paging_parameters_is_capped_to_the_newest_messages_in_order()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var ids = new List<int>();
        for (var n = 1; n <= 7; n++)
        {
            var sent = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = $"m{n}" });
            ids.Add((await sent.Content.ReadFromJsonAsync<SendAnswer>())!.Chat.Id);
        }

        var history = await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}");
        Assert.Equal(ids[2..], history!.Chats.Select(c => c.Id));
        var older = await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}?beforeId={ids[2]}");
        Assert.Equal(ids[..2], older!.Chats.Select(c => c.Id));
    }

    [Fact]
    public async Task The_agents_conversation_list_is_paged_most_recently_active_first_and_each_appears_once()
    {
        var visitors = new List<VisitorAnswer>();
        for (var n = 0; n < 5; n++) visitors.Add(await server.NewVisitor($"Paged {n}"));
        // Activity in another order than creation: 3, then 0, then 4 wrote last.
        foreach (var n in new[] { 3, 0, 4 })
        {
            await server.ClientWith(visitors[n].Token).PostAsJsonAsync($"/chats/{visitors[n].GroupId}", new { message = $"from {n}" });
        }

        var agent = server.ClientWith(await server.AgentToken());
        var seen = new List<int>();
        string? before = null;
        var pages = 0;
        do
        {
            var page = await agent.GetFromJsonAsync<JsonElement>(before is null ? "/groups" : $"/groups?before={before}");
            var groups = page.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("id").GetInt32()).ToList();
            Assert.InRange(groups.Count, 1, 3);
            seen.AddRange(groups);
            before = page.GetProperty("nextBefore").GetString();
            pages++;
        }
        while (before is not null);

        Assert.True(pages >= 2);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        var mine = seen.Where(id => visitors.Any(v => v.GroupId == id)).ToList();
        Assert.Equal(new[] { 4, 0, 3, 2, 1 }.Select(n => visitors[n].GroupId), mine);
    }

    [Fact]
    public async Task A_cursor_the_server_did_not_give_is_refused_with_a_problem()
    {
        var response = await server.ClientWith(await server.AgentToken()).GetAsync("/groups?before=drop-table");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_refused_join_is_one_warning_with_the_input_escaped_and_no_forged_line_or_stack_trace()
    {
        var visitor = await server.NewVisitor();
        await using var hub = server.Hub(visitor.Token);
        await hub.StartAsync();
        server.Log.Clear();

        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinGroup", "1\ninfo: FORGED by a visitor"));
        Assert.DoesNotContain("\n", error.Message);

        var entries = server.Log.ToArray();
        var warning = Assert.Single(entries, e => e.Message.Contains("FORGED"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Null(warning.Error);
        Assert.Contains("\\u000ainfo: FORGED", warning.Message);
        Assert.DoesNotContain(entries, e => e.Message.Contains('\n') || e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Refused_joins_and_typing_past_the_first_few_on_a_connection_are_counted_not_logged()
    {
        var visitor = await server.NewVisitor();
        var hub = server.Hub(visitor.Token);
        await hub.StartAsync();
        for (var n = 0; n < 15; n++) await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinGroup", $"flood-join-{n}"));
        for (var n = 0; n < 15; n++) await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Typing", $"flood-type-{n}"));
        await hub.DisposeAsync();

        // The summary is written as the server sees the connection go, a moment after the client does.
        await server.Logged(message => message.Contains("30 refused calls")).WaitAsync(TimeSpan.FromSeconds(30));

        var entries = server.Log.ToArray();
        Assert.Equal(HubRefusals.LoggedPerConnection, entries.Count(e => e.Message.Contains("flood-")));
        Assert.Single(entries, e => e.Message.Contains("counted, not logged"));
        var summary = Assert.Single(entries, e => e.Message.Contains("30 refused calls"));
        Assert.Contains("25 of them not logged", summary.Message);
    }
}

/// <summary>What a deployed server tells nobody, and what it serves only when asked to.</summary>
public sealed class DisclosureTests(ProductionServer server) : IClassFixture<ProductionServer>
{
    [Fact]
    public async Task Health_does_not_tell_the_host_name_unless_an_instance_name_is_set()
    {
        var body = await server.ClientWith(null).GetStringAsync("/health");
        Assert.DoesNotContain(Environment.MachineName, body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(body).RootElement.GetProperty("instance").ValueKind);
    }

    [Fact]
    public async Task The_OpenAPI_document_is_not_served_unless_enabled()
    {
        var response = await server.ClientWith(null).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Outside_the_demo_an_avatar_on_loopback_over_plain_http_is_refused()
    {
        var response = await server.ClientWith(null).PostAsJsonAsync("/users/register", new { name = "Lo", email = "lo@example.com", password = "long-enough", avatarUrl = "http://127.0.0.1/a.png" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("https://127.0.0.1/a.png")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://10.0.0.8/a.png")]
    [InlineData("https://192.168.1.1/a.png")]
    [InlineData("https://[::1]/a.png")]
    [InlineData("https://[fd00::1]/a.png")]
    public async Task Outside_the_demo_an_https_avatar_on_a_loopback_link_local_or_private_IP_is_refused(string avatarUrl)
    {
        var email = $"internal-{Guid.NewGuid():N}@example.com";
        var response = await server.ClientWith(null).PostAsJsonAsync("/users/register", new { name = "In", email, password = "long-enough", avatarUrl });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("private", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_avatar_URL_is_stored_normalized_not_as_sent()
    {
        var registered = await server.ClientWith(null).PostAsJsonAsync("/users/register", new { name = "Norm", email = "norm@example.com", password = "long-enough", avatarUrl = "HTTPS://Images.EXAMPLE:443/a/../b.png" });
        var token = (await registered.Content.ReadFromJsonAsync<TokenAnswer>())!.Token;
        var user = server.ClientWith(token);
        var group = await (await user.PostAsJsonAsync("/groups", new { name = "Mine" })).Content.ReadFromJsonAsync<JsonElement>();
        var sent = await user.PostAsJsonAsync($"/chats/{group.GetProperty("group").GetProperty("id").GetInt32()}", new { message = "hi" });
        Assert.Equal("https://images.example/b.png", (await sent.Content.ReadFromJsonAsync<SendAnswer>())!.Chat.UserAvatarUrl);
    }
}

/// <summary>A host name of its own: requests for any other are refused.</summary>
public sealed class AllowedHostsServer : ServerFactory
{
    protected override IEnumerable<(string Key, string Value)> Settings => [("AllowedHosts", "support.example")];
}

public sealed class AllowedHostsTests(AllowedHostsServer server) : IClassFixture<AllowedHostsServer>
{
    [Fact]
    public async Task A_Host_outside_AllowedHosts_is_refused()
    {
        var client = server.ClientWith(null);
        var foreign = new HttpRequestMessage(HttpMethod.Get, "/health");
        foreign.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(foreign)).StatusCode);

        var own = new HttpRequestMessage(HttpMethod.Get, "/health");
        own.Headers.Host = "support.example";
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(own)).StatusCode);
    }
}
