using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Data;

namespace SupportChat.Server.Tests;

/// <summary>
/// A clock whose one-shot timers run when the test says (the end of a read-push interval), never by
/// themselves; periodic timers and the time itself are the system's.
/// </summary>
public sealed class HeldTimers : TimeProvider
{
    private readonly List<(TimerCallback Callback, object? State)> held = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period != Timeout.InfiniteTimeSpan) return System.CreateTimer(callback, state, dueTime, period);
        lock (held) held.Add((callback, state));
        return new Nothing();
    }

    /// <summary>Runs every one-shot timer made so far, as if its interval had passed.</summary>
    public void Elapse()
    {
        List<(TimerCallback Callback, object? State)> due;
        lock (held)
        {
            due = [.. held];
            held.Clear();
        }
        foreach (var (callback, state) in due) callback(state);
    }

    private sealed class Nothing : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose() { }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The server with held timers, and agents' receipts hidden from visitors when <see cref="HideAgents"/>.</summary>
public class ReadServer : ServerFactory
{
    public HeldTimers Clock { get; } = new();

    protected virtual bool HideAgents => false;

    protected override IEnumerable<(string Key, string Value)> Settings =>
        // An interval no test run lasts: a push at its end happens only when the test elapses it.
        [("SUPPORTCHAT_READ_INTERVAL_MS", "600000"), ("SUPPORTCHAT_AGENT_RECEIPTS", HideAgents ? "false" : "true")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class HiddenAgentReceiptsServer : ReadServer
{
    protected override bool HideAgents => true;
}

/// <summary>Helpers both fixtures' tests share: a listening connection and a message to read.</summary>
public static class Readers
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static async Task<(HubConnection Hub, Channel<JsonElement> Reads)> Listen(ServerFactory server, string token, int groupId)
    {
        var hub = server.Hub(token);
        var reads = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("ReadUpTo", read => reads.Writer.TryWrite(read));
        await hub.StartAsync();
        await hub.InvokeAsync("JoinGroup", groupId.ToString());
        return (hub, reads);
    }

    public static async Task<int> Say(ServerFactory server, string token, int groupId, string text)
    {
        var sent = await server.ClientWith(token).PostAsJsonAsync($"/chats/{groupId}", new { message = text });
        return (await sent.Content.ReadFromJsonAsync<SendAnswer>())!.Chat.Id;
    }

    /// <summary>A visitor who read two answers within one interval: the first mark stored, the second waiting for its end.</summary>
    public static async Task<(VisitorAnswer Visitor, string AgentToken, int First, int Second)> SecondMarkWaiting(ServerFactory server)
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        var first = await Say(server, agentToken, visitor.GroupId, "Hello");
        var second = await Say(server, agentToken, visitor.GroupId, "Anything else?");
        await using var hub = server.Hub(visitor.Token);
        await hub.StartAsync();
        await hub.InvokeAsync("MarkRead", visitor.GroupId.ToString(), first);
        await hub.InvokeAsync("MarkRead", visitor.GroupId.ToString(), second);
        return (visitor, agentToken, first, second);
    }

    public static async Task<JsonElement> Next(Channel<JsonElement> reads) => await reads.Reader.ReadAsync().AsTask().WaitAsync(Wait);

    public static async Task<JsonElement> Marks(ServerFactory server, string token, int groupId)
    {
        var answer = await server.ClientWith(token).GetAsync($"/chats/{groupId}/state");
        answer.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("readUpTo");
    }
}

public sealed class ReadReceiptTests(ReadServer server) : IClassFixture<ReadServer>
{
    [Fact]
    public async Task A_visitors_mark_reaches_the_agent_moves_only_forward_and_is_in_the_state()
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        var first = await Readers.Say(server, agentToken, visitor.GroupId, "Hello");
        var second = await Readers.Say(server, agentToken, visitor.GroupId, "How can I help?");
        var (agentHub, agentReads) = await Readers.Listen(server, agentToken, visitor.GroupId);
        await using var _ = agentHub;
        await using var visitorHub = server.Hub(visitor.Token);
        await visitorHub.StartAsync();

        await visitorHub.InvokeAsync("MarkRead", visitor.GroupId.ToString(), second);
        var read = await Readers.Next(agentReads);
        Assert.Equal(visitor.GroupId, read.GetProperty("groupId").GetInt32());
        Assert.Equal(visitor.UserId, read.GetProperty("userId").GetInt32());
        Assert.Equal(second, read.GetProperty("lastId").GetInt32());

        // Backwards, and past the conversation's newest message: stored as what exists, never moved back.
        await visitorHub.InvokeAsync("MarkRead", visitor.GroupId.ToString(), first);
        await visitorHub.InvokeAsync("MarkRead", visitor.GroupId.ToString(), int.MaxValue);
        var marks = await Readers.Marks(server, agentToken, visitor.GroupId);
        var mark = Assert.Single(marks.EnumerateArray());
        Assert.Equal(visitor.UserId, mark.GetProperty("userId").GetInt32());
        Assert.Equal(second, mark.GetProperty("lastId").GetInt32());
        server.Clock.Elapse();
        Assert.Equal(second, Assert.Single((await Readers.Marks(server, visitor.Token, visitor.GroupId)).EnumerateArray()).GetProperty("lastId").GetInt32());
    }

    [Fact]
    public async Task Marks_within_an_interval_are_one_push_now_and_one_at_its_end_with_the_newest()
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        var ids = new List<int>();
        for (var i = 0; i < 5; i++) ids.Add(await Readers.Say(server, agentToken, visitor.GroupId, $"line {i}"));
        var (agentHub, agentReads) = await Readers.Listen(server, agentToken, visitor.GroupId);
        await using var _ = agentHub;
        await using var visitorHub = server.Hub(visitor.Token);
        await visitorHub.StartAsync();

        foreach (var id in ids) await visitorHub.InvokeAsync("MarkRead", visitor.GroupId.ToString(), id);
        Assert.Equal(ids[0], (await Readers.Next(agentReads)).GetProperty("lastId").GetInt32());
        // The visitor's own Typing reaches the agent after any ReadUpTo already written to that connection.
        var typed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agentHub.On<JsonElement>("UserTyping", _ => typed.TrySetResult());
        await visitorHub.InvokeAsync("Typing", visitor.GroupId.ToString());
        await typed.Task.WaitAsync(Readers.Wait);
        Assert.False(agentReads.Reader.TryRead(out var early), $"A second push within the interval: {early}");

        server.Clock.Elapse();
        Assert.Equal(ids[^1], (await Readers.Next(agentReads)).GetProperty("lastId").GetInt32());
        // A quiet interval pushes nothing and forgets the reader: the next mark is pushed at once.
        server.Clock.Elapse();
        var more = await Readers.Say(server, agentToken, visitor.GroupId, "one more");
        await visitorHub.InvokeAsync("MarkRead", visitor.GroupId.ToString(), more);
        Assert.Equal(more, (await Readers.Next(agentReads)).GetProperty("lastId").GetInt32());
    }

    [Fact]
    public async Task Marking_a_conversation_that_is_not_ones_own_is_refused()
    {
        var owner = await server.NewVisitor();
        var intruder = await server.NewVisitor();
        var id = await Readers.Say(server, owner.Token, owner.GroupId, "mine");
        await using var hub = server.Hub(intruder.Token);
        await hub.StartAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("MarkRead", owner.GroupId.ToString(), id));
        Assert.Contains($"You may not mark conversation {owner.GroupId} read.", error.Message);
        Assert.Empty((await Readers.Marks(server, owner.Token, owner.GroupId)).EnumerateArray());
    }

    [Fact]
    public async Task Agents_receipts_reach_the_visitor_when_shown()
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        var id = await Readers.Say(server, visitor.Token, visitor.GroupId, "Hi");
        var (visitorHub, visitorReads) = await Readers.Listen(server, visitor.Token, visitor.GroupId);
        await using var _ = visitorHub;
        await using var agentHub = server.Hub(agentToken);
        await agentHub.StartAsync();
        await agentHub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());
        await agentHub.InvokeAsync("MarkRead", visitor.GroupId.ToString(), id);
        Assert.NotEqual(visitor.UserId, (await Readers.Next(visitorReads)).GetProperty("userId").GetInt32());
        Assert.Single((await Readers.Marks(server, visitor.Token, visitor.GroupId)).EnumerateArray());
    }
}

public sealed class HiddenAgentReceiptTests(HiddenAgentReceiptsServer server) : IClassFixture<HiddenAgentReceiptsServer>
{
    [Fact]
    public async Task With_agent_receipts_off_visitors_hear_and_read_no_agents_marks_but_agents_do()
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        var id = await Readers.Say(server, visitor.Token, visitor.GroupId, "Hi");
        var (visitorHub, visitorReads) = await Readers.Listen(server, visitor.Token, visitor.GroupId);
        await using var _ = visitorHub;
        var (agentHub, agentReads) = await Readers.Listen(server, agentToken, visitor.GroupId);
        await using var __ = agentHub;

        await agentHub.InvokeAsync("MarkRead", visitor.GroupId.ToString(), id);
        var agentsOwn = await Readers.Next(agentReads);
        Assert.NotEqual(visitor.UserId, agentsOwn.GetProperty("userId").GetInt32());
        // The visitor's own mark is pushed after the agent's: the first ReadUpTo the visitor hears is its own.
        await visitorHub.InvokeAsync("MarkRead", visitor.GroupId.ToString(), id);
        Assert.Equal(visitor.UserId, (await Readers.Next(visitorReads)).GetProperty("userId").GetInt32());
        Assert.Equal(visitor.UserId, (await Readers.Next(agentReads)).GetProperty("userId").GetInt32());

        var seenByVisitor = await Readers.Marks(server, visitor.Token, visitor.GroupId);
        Assert.Equal(visitor.UserId, Assert.Single(seenByVisitor.EnumerateArray()).GetProperty("userId").GetInt32());
        Assert.Equal(2, (await Readers.Marks(server, agentToken, visitor.GroupId)).GetArrayLength());
    }
}

/// <summary>A fixture of its own: the test stops its host.</summary>
public sealed class ReadReceiptShutdownTests(ReadServer server) : IClassFixture<ReadServer>
{
    /// <summary>A mark waiting for its interval's end when the server stops is stored, not lost with its timer.</summary>
    [Fact]
    public async Task A_mark_coalesced_in_the_current_interval_is_stored_when_the_server_stops()
    {
        var (visitor, agentToken, first, second) = await Readers.SecondMarkWaiting(server);
        Assert.Equal(first, Assert.Single((await Readers.Marks(server, agentToken, visitor.GroupId)).EnumerateArray()).GetProperty("lastId").GetInt32());

        string database;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            database = Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetConnectionString(
                scope.ServiceProvider.GetRequiredService<SupportChat.Server.Data.ChatDb>().Database)!;
        }

        // The demo's Main disposes the host once it has stopped: the database is read without it.
        await server.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHost>().StopAsync();

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(database);
        await connection.OpenAsync();
        var read = connection.CreateCommand();
        read.CommandText = "SELECT \"LastId\" FROM \"ReadMarks\" WHERE \"GroupId\" = $group AND \"UserId\" = $user";
        read.Parameters.AddWithValue("$group", visitor.GroupId);
        read.Parameters.AddWithValue("$user", visitor.UserId);
        Assert.Equal(second, Convert.ToInt32(await read.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The read server with a hold on the database's next move of a read mark.</summary>
public sealed class HeldMarkServer : ReadServer
{
    public HeldMarkWrites Writes { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureDbContext<SqliteChatDb>(db => db.AddInterceptors(Writes)));
    }
}

/// <summary>Once armed, the next update of a read mark waits at the database until released.</summary>
public sealed class HeldMarkWrites : DbCommandInterceptor
{
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int armed;

    public Task Reached => reached.Task;

    public void Hold() => Interlocked.Exchange(ref armed, 1);

    public void Release() => released.TrySetResult();

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains("\"ReadMarks\"") && Interlocked.Exchange(ref armed, 0) == 1)
        {
            reached.TrySetResult();
            await released.Task;
        }
        return result;
    }
}

/// <summary>A fixture of its own: the test stops the read receipts.</summary>
public sealed class ReadReceiptStoreUnderWayTests(HeldMarkServer server) : IClassFixture<HeldMarkServer>
{
    /// <summary>
    /// An interval that ends just before the stop has handed its mark to a store already: the stop finds no mark
    /// waiting, and must still wait for that store, or the host disposes the services under it.
    /// </summary>
    [Fact]
    public async Task A_stop_waits_for_the_store_of_an_interval_that_ended_just_before_it()
    {
        var (visitor, agentToken, first, second) = await Readers.SecondMarkWaiting(server);

        server.Writes.Hold();
        server.Clock.Elapse();
        await server.Writes.Reached.WaitAsync(Readers.Wait);
        var stop = server.Services.GetRequiredService<SupportChat.Server.Conversations.ReadReceipts>().StopAsync(CancellationToken.None);
        Assert.False(stop.IsCompleted, "the stop did not wait for the mark's store under way");

        server.Writes.Release();
        await stop.WaitAsync(Readers.Wait);
        Assert.Equal(second, Assert.Single((await Readers.Marks(server, agentToken, visitor.GroupId)).EnumerateArray()).GetProperty("lastId").GetInt32());
    }
}
