using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
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

/// <summary>Counts the statements that change read marks, as the database sees them.</summary>
public sealed class ReadMarkWrites : DbCommandInterceptor
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public System.Collections.Concurrent.ConcurrentQueue<string> Statements { get; } = new();

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Counted(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Counted(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Counted(DbCommand command)
    {
        var sql = command.CommandText;
        if (sql.Contains("ReadMarks", StringComparison.Ordinal) && (sql.Contains("UPDATE", StringComparison.Ordinal) || sql.Contains("INSERT", StringComparison.Ordinal)))
        {
            Interlocked.Increment(ref count);
            Statements.Enqueue(sql);
        }
    }
}

/// <summary>The read-receipt server (held timers), with every statement that writes a read mark counted.</summary>
public sealed class CountingReadServer : ReadServer
{
    public ReadMarkWrites Writes { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureDbContext<SqliteChatDb>(db => db.AddInterceptors(Writes)));
    }
}

/// <summary>
/// The workflow endpoints and hub methods as a stranger uses them: someone else's conversation, an agent's
/// route from a visitor, and values no widget sends. Each refusal is a problem body with a sentence.
/// </summary>
public sealed class WorkflowAttackTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static async Task<string> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.Matches(@"^[A-Z].{10,}\.$", detail);
        return detail;
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> Listed(string agentToken, int groupId)
    {
        var answer = await server.ClientWith(agentToken).GetAsync("/groups");
        answer.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("groups").EnumerateArray()
            .Single(g => g.GetProperty("id").GetInt32() == groupId);
    }

    [Fact]
    public async Task A_visitor_may_not_rate_resolve_assign_read_or_join_someone_elses_conversation_nor_call_agents_routes()
    {
        var owner = await server.NewVisitor("Owner");
        var stranger = await server.NewVisitor("Stranger");
        var agentToken = await server.AgentToken();
        await Readers.Say(server, owner.Token, owner.GroupId, "my order");
        await server.ClientWith(agentToken).PostAsync($"/chats/{owner.GroupId}/resolve", null);
        var client = server.ClientWith(stranger.Token);

        await Problem(await client.PostAsJsonAsync($"/chats/{owner.GroupId}/rating", new { score = 1 }), HttpStatusCode.Forbidden);
        await Problem(await client.PostAsync($"/chats/{owner.GroupId}/resolve", null), HttpStatusCode.Forbidden);
        await Problem(await client.PostAsync($"/chats/{owner.GroupId}/assign", null), HttpStatusCode.Forbidden);
        await Problem(await client.GetAsync($"/chats/{owner.GroupId}/state"), HttpStatusCode.Forbidden);
        await Problem(await client.PostAsJsonAsync($"/chats/{owner.GroupId}/contact", new { email = "me@example.com" }), HttpStatusCode.Forbidden);
        // Agents' routes on the visitor's own conversation.
        await Problem(await client.PostAsync($"/chats/{stranger.GroupId}/resolve", null), HttpStatusCode.Forbidden);
        await Problem(await client.PostAsync($"/chats/{stranger.GroupId}/assign", null), HttpStatusCode.Forbidden);
        // An agent rates nothing: the rating is the visitor's word.
        await Problem(await server.ClientWith(agentToken).PostAsJsonAsync($"/chats/{owner.GroupId}/rating", new { score = 5 }), HttpStatusCode.Forbidden);
        await Problem(await server.ClientWith(agentToken).GetAsync("/groups?state=x"), HttpStatusCode.BadRequest);

        await using var hub = server.Hub(stranger.Token);
        await hub.StartAsync();
        Assert.Contains("agents", (await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("SetAway", true))).Message);
        Assert.Contains("agents", (await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("WatchConversations"))).Message);
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinGroup", owner.GroupId.ToString()));
        // Anyone may hear whether the team is there, and nothing about who.
        var availability = await hub.InvokeAsync<JsonElement>("WatchAvailability");
        Assert.Equal(["online", "nextOpenAt"], availability.EnumerateObject().Select(p => p.Name));

        var state = JsonDocument.Parse(await server.ClientWith(owner.Token).GetStringAsync($"/chats/{owner.GroupId}/state")).RootElement;
        Assert.False(state.GetProperty("rated").GetBoolean());
        Assert.Null((await Listed(agentToken, owner.GroupId)).GetProperty("contactEmail").GetString());
    }

    [Fact]
    public async Task A_rating_is_one_whole_score_from_1_to_5_once_per_resolution()
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        await server.ClientWith(agentToken).PostAsync($"/chats/{visitor.GroupId}/resolve", null);
        var client = server.ClientWith(visitor.Token);
        var rating = $"/chats/{visitor.GroupId}/rating";

        foreach (var score in new[] { "0", "6", "null", "-1", "2147483648", "4.5", "\"5\"", "true" })
        {
            var response = await client.PostAsync(rating, Body($"{{\"score\":{score}}}"));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Accepted: {score}");
            await Problem(response, HttpStatusCode.BadRequest);
        }
        await Problem(await client.PostAsync(rating, Body("{}")), HttpStatusCode.BadRequest);
        await Problem(await client.PostAsync(rating, Body("[5]")), HttpStatusCode.BadRequest);
        var huge = JsonSerializer.Serialize(new { score = 5, comment = new string('x', 1024 * 1024) });
        await Problem(await client.PostAsync(rating, Body(huge)), HttpStatusCode.RequestEntityTooLarge);
        await Problem(await client.PostAsJsonAsync(rating, new { score = 5, comment = new string('x', 1001) }), HttpStatusCode.BadRequest);
        await Problem(await client.PostAsJsonAsync(rating, new { score = 5, comment = "a\u0000b" }), HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(rating, new { score = 4, comment = "Quick" })).StatusCode);
        await Problem(await client.PostAsJsonAsync(rating, new { score = 1, comment = "changed my mind" }), HttpStatusCode.Conflict);
        var listed = await Listed(agentToken, visitor.GroupId);
        Assert.Equal(4, listed.GetProperty("rating").GetProperty("score").GetInt32());
        Assert.Equal("Quick", listed.GetProperty("rating").GetProperty("comment").GetString());
    }

    /// <summary>
    /// An override or isolate the comment does not close reorders what an agent's console shows after it
    /// ("Great ‮ 1/5" reading as another score); a C1 control has no place in text at all.
    /// </summary>
    [Theory]
    [InlineData("Great \u202E5/5 ecivres")]
    [InlineData("\u2067ok")]
    [InlineData("bad\u0085line")]
    [InlineData("\u009B31m red")]
    public async Task A_rating_comment_with_a_bidi_override_or_a_C1_control_is_refused_and_the_rating_can_be_sent_again(string comment)
    {
        var visitor = await server.NewVisitor();
        await server.ClientWith(await server.AgentToken()).PostAsync($"/chats/{visitor.GroupId}/resolve", null);
        var client = server.ClientWith(visitor.Token);
        var detail = await Problem(await client.PostAsJsonAsync($"/chats/{visitor.GroupId}/rating", new { score = 5, comment }), HttpStatusCode.BadRequest);
        Assert.Contains("comment", detail);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}/rating", new { score = 5, comment = "Great service" })).StatusCode);
    }

    /// <summary>
    /// The name is the visitor's word, shown on one line of every agent's list: it keeps its letters (right to
    /// left ones too) and loses what would reorder or break the line around it, and a cap never splits a character.
    /// </summary>
    [Fact]
    public async Task A_visitor_name_loses_bidi_overrides_controls_and_line_breaks_and_is_capped_on_whole_characters()
    {
        var agentToken = await server.AgentToken();
        async Task<string> Named(string name) => (await Listed(agentToken, (await server.NewVisitor(name)).GroupId)).GetProperty("visitor").GetString()!;

        Assert.Equal("Eve gnp.exe", await Named("Eve \u202Egnp.exe\u202C"));
        Assert.Equal("Ann Agent: refund approved", await Named("Ann\nAgent: refund approved"));
        Assert.Equal("Bob", await Named("\u2066Bob\u2069\u0085"));
        Assert.Equal("مريم", await Named("مريم"));
        // Nothing left but what was removed: an anonymous visitor.
        Assert.StartsWith("Visitor ", await Named("\u202E\u202C"));
        var capped = await Named(new string('a', 99) + "😀");
        Assert.Equal(new string('a', 99), capped);
    }

    [Fact]
    public async Task A_page_url_loses_its_user_and_password_and_hostile_context_is_left_out()
    {
        var agentToken = await server.AgentToken();
        async Task<JsonElement> With(object body)
        {
            var response = await server.ClientWith(null).PostAsJsonAsync("/visitors", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await Listed(agentToken, (await response.Content.ReadFromJsonAsync<VisitorAnswer>())!.GroupId);
        }

        var withUser = await With(new { pageUrl = "https://alice:s3cret@shop.example/cart?token=abc#x" });
        Assert.Equal("https://shop.example/cart", withUser.GetProperty("pageUrl").GetString());

        var hostile = await With(new
        {
            name = new string('n', 10_000),
            pageUrl = "javascript:alert(1)//https://shop.example/",
            timeZone = "Mars/Olympus_Mons",
            language = new string('e', 10_000),
        });
        Assert.Equal(JsonValueKind.Null, hostile.GetProperty("pageUrl").ValueKind);
        Assert.Equal(JsonValueKind.Null, hostile.GetProperty("timeZone").ValueKind);
        Assert.Equal(JsonValueKind.Null, hostile.GetProperty("language").ValueKind);
        Assert.Equal(100, hostile.GetProperty("visitor").GetString()!.Length);

        // A path is not a zone name, even where it names a zone file.
        foreach (var zone in new[] { "/etc/localtime", "/usr/share/zoneinfo/Europe/Berlin", "Europe/../Europe/Berlin", new string('Z', 10_000) })
        {
            Assert.Equal(JsonValueKind.Null, (await With(new { timeZone = zone })).GetProperty("timeZone").ValueKind);
        }
        Assert.Equal("Europe/Berlin", (await With(new { timeZone = "Europe/Berlin" })).GetProperty("timeZone").GetString());
        var longPage = await With(new { pageUrl = "https://shop.example/" + new string('p', 10_000) });
        Assert.True(longPage.GetProperty("pageUrl").GetString()!.Length <= 2048);
    }

    [Fact]
    public async Task A_contact_address_that_is_not_one_plain_address_is_refused()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var contact = $"/chats/{visitor.GroupId}/contact";
        foreach (var email in new[]
        {
            "", "plain", "a@b", "a@b.c d@e.f", "a@b.c,d@e.f", "Name <a@b.co>", "a@b.co\u202E", "\u202Emoc.liam@evil.example",
            "a\u200B@b.co", "a\u0085b@c.co", new string('a', 250) + "@b.co",
        })
        {
            var response = await client.PostAsJsonAsync(contact, new { email });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Accepted: {JsonSerializer.Serialize(email)}");
            await Problem(response, HttpStatusCode.BadRequest);
        }
        await Problem(await client.PostAsync(contact, Body("{\"email\":null}")), HttpStatusCode.BadRequest);
        await Problem(await client.PostAsync(contact, Body("{\"email\":5}")), HttpStatusCode.BadRequest);
        var huge = JsonSerializer.Serialize(new { email = new string('a', 1024 * 1024) + "@b.co" });
        await Problem(await client.PostAsync(contact, Body(huge)), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(contact, new { email = "rosa@example.com" })).StatusCode);
    }

    /// <summary>A console is in the conversation it shows and watches the list: it hears each state change once.</summary>
    [Fact]
    public async Task An_agent_both_in_a_conversation_and_watching_hears_its_state_once()
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        await using var console = server.Hub(agentToken);
        var states = Channel.CreateUnbounded<JsonElement>();
        var messages = Channel.CreateUnbounded<JsonElement>();
        console.On<JsonElement>("ConversationState", state => states.Writer.TryWrite(state));
        console.On<JsonElement>("ReceiveMessage", message => messages.Writer.TryWrite(message));
        await console.StartAsync();
        await console.InvokeAsync("JoinGroup", visitor.GroupId.ToString());
        await console.InvokeAsync("WatchConversations");
        // Joined after watching too, as a console that opens a second conversation does.
        var other = await server.NewVisitor();
        await console.InvokeAsync("JoinGroup", other.GroupId.ToString());

        foreach (var groupId in new[] { visitor.GroupId, other.GroupId })
        {
            (await server.ClientWith(agentToken).PostAsync($"/chats/{groupId}/resolve", null)).EnsureSuccessStatusCode();
            Assert.Equal(groupId, (await states.Reader.ReadAsync().AsTask().WaitAsync(Wait)).GetProperty("groupId").GetInt32());
            // A message sent afterwards reaches the console after any second copy of the state would have.
            await Readers.Say(server, agentToken, groupId, "Resolved, thanks");
            await messages.Reader.ReadAsync().AsTask().WaitAsync(Wait);
            Assert.False(states.Reader.TryRead(out var twice), $"The state came twice: {twice}");
        }

        // A connection that only joined (a visitor's, an agent's widget) still hears it.
        var (visitorHub, visitorStates) = await Listen(visitor.Token, visitor.GroupId);
        await using var _ = visitorHub;
        await Readers.Say(server, visitor.Token, visitor.GroupId, "one more thing");
        Assert.Equal("open", (await visitorStates.Reader.ReadAsync().AsTask().WaitAsync(Wait)).GetProperty("state").GetString());
        Assert.Equal("open", (await states.Reader.ReadAsync().AsTask().WaitAsync(Wait)).GetProperty("state").GetString());
    }

    private async Task<(HubConnection Hub, Channel<JsonElement> States)> Listen(string token, int groupId)
    {
        var hub = server.Hub(token);
        var states = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("ConversationState", state => states.Writer.TryWrite(state));
        await hub.StartAsync();
        await hub.InvokeAsync("JoinGroup", groupId.ToString());
        return (hub, states);
    }
}

public sealed class MarkReadFloodTests(CountingReadServer server) : IClassFixture<CountingReadServer>
{
    /// <summary>
    /// 10,000 MarkRead calls from one connection, all within one interval: the database sees the first mark
    /// at once and the newest at the interval's end, and no mark is lost on the way.
    /// </summary>
    [Fact]
    public async Task A_flood_of_MarkRead_writes_the_mark_twice_and_keeps_the_newest()
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        var ids = new List<int>();
        for (var i = 0; i < 3; i++) ids.Add(await Readers.Say(server, agentToken, visitor.GroupId, $"line {i}"));
        await using var hub = server.Hub(visitor.Token);
        await hub.StartAsync();
        var group = visitor.GroupId.ToString();
        var before = server.Writes.Count;

        for (var i = 0; i < 10_000; i++) await hub.SendAsync("MarkRead", group, ids[i * ids.Count / 10_000]);
        // Invocations of one connection run in order: when this one returns, the flood has been handled.
        await hub.InvokeAsync("MarkRead", group, ids[^1]);
        Assert.True(server.Writes.Count - before <= 2, string.Join("\n", server.Writes.Statements));
        Assert.Equal(ids[0], Assert.Single((await Readers.Marks(server, agentToken, visitor.GroupId)).EnumerateArray()).GetProperty("lastId").GetInt32());

        server.Clock.Elapse();
        await WaitUntil(async () => (await Readers.Marks(server, agentToken, visitor.GroupId)).EnumerateArray().Single().GetProperty("lastId").GetInt32() == ids[^1]);
        Assert.InRange(server.Writes.Count - before, 2, 3);
    }

    [Fact]
    public async Task MarkRead_past_the_newest_message_or_negative_stores_only_what_exists_and_a_later_message_still_moves_it()
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        var first = await Readers.Say(server, agentToken, visitor.GroupId, "Hello");
        await using var hub = server.Hub(visitor.Token);
        await hub.StartAsync();
        var group = visitor.GroupId.ToString();

        await hub.InvokeAsync("MarkRead", group, -5);
        Assert.Empty((await Readers.Marks(server, agentToken, visitor.GroupId)).EnumerateArray());
        server.Clock.Elapse();
        await hub.InvokeAsync("MarkRead", group, int.MaxValue);
        Assert.Equal(first, (await Readers.Marks(server, agentToken, visitor.GroupId)).EnumerateArray().Single().GetProperty("lastId").GetInt32());
        // Within the interval the newer mark waits for its end, and is not lost to the one past everything.
        var second = await Readers.Say(server, agentToken, visitor.GroupId, "Anything else?");
        await hub.InvokeAsync("MarkRead", group, second);
        Assert.Equal(first, (await Readers.Marks(server, agentToken, visitor.GroupId)).EnumerateArray().Single().GetProperty("lastId").GetInt32());
        server.Clock.Elapse();
        await WaitUntil(async () => (await Readers.Marks(server, agentToken, visitor.GroupId)).EnumerateArray().Single().GetProperty("lastId").GetInt32() == second);
        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("MarkRead", "not-a-number", 1));
        Assert.Contains("You may not mark conversation", error.Message);
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(Readers.Wait);
        while (!await condition()) await Task.Delay(20, deadline.Token);
    }
}
