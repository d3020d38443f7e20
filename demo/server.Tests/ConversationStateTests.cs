using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace SupportChat.Server.Tests;

/// <summary>
/// The conversation's life against the real server: agents resolve it, the visitor's next message reopens
/// it, the visitor rates each resolution once; each change is pushed as ConversationState.
/// </summary>
public sealed class ConversationStateTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>The problem body's status and detail, which every refusal here must have.</summary>
    private static async Task<string> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.Matches(@"^[A-Z].{10,}\.$", detail);
        return detail;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>A connection in the visitor's conversation, with every ConversationState it hears.</summary>
    private async Task<(HubConnection Hub, System.Threading.Channels.Channel<JsonElement> States)> Listen(string token, int groupId)
    {
        var hub = server.Hub(token);
        var states = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("ConversationState", state => states.Writer.TryWrite(state));
        await hub.StartAsync();
        await hub.InvokeAsync("JoinGroup", groupId.ToString());
        return (hub, states);
    }

    [Fact]
    public async Task An_agent_resolves_and_the_visitor_and_watching_agents_hear_it_with_who_and_when()
    {
        var visitor = await server.NewVisitor("Rosa");
        var agentToken = await server.AgentToken();
        var (visitorHub, visitorStates) = await Listen(visitor.Token, visitor.GroupId);
        await using var _ = visitorHub;
        await using var console = server.Hub(agentToken);
        var consoleStates = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();
        console.On<JsonElement>("ConversationState", state => consoleStates.Writer.TryWrite(state));
        await console.StartAsync();
        await console.InvokeAsync("WatchConversations");

        var before = await Json(await server.ClientWith(visitor.Token).GetAsync($"/chats/{visitor.GroupId}/state"));
        Assert.Equal("open", before.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("resolvedAt").ValueKind);

        var answer = await Json(await server.ClientWith(agentToken).PostAsync($"/chats/{visitor.GroupId}/resolve", null));
        var pushed = await visitorStates.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        var watched = await consoleStates.Reader.ReadAsync().AsTask().WaitAsync(Wait);

        foreach (var state in new[] { answer, pushed, watched })
        {
            Assert.Equal(visitor.GroupId, state.GetProperty("groupId").GetInt32());
            Assert.Equal("resolved", state.GetProperty("state").GetString());
            Assert.Equal(1, state.GetProperty("resolution").GetInt32());
            Assert.Equal("Support team", state.GetProperty("resolvedBy").GetProperty("name").GetString());
            Assert.EndsWith("Z", state.GetProperty("resolvedAt").GetString());
            Assert.False(state.GetProperty("rated").GetBoolean());
        }
        var read = await Json(await server.ClientWith(visitor.Token).GetAsync($"/chats/{visitor.GroupId}/state"));
        Assert.Equal("resolved", read.GetProperty("state").GetString());

        // A second resolve (a double click) changes nothing and pushes nothing.
        var again = await Json(await server.ClientWith(agentToken).PostAsync($"/chats/{visitor.GroupId}/resolve", null));
        Assert.Equal(1, again.GetProperty("resolution").GetInt32());
        Assert.Equal(answer.GetProperty("resolvedAt").GetString(), again.GetProperty("resolvedAt").GetString());
        await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "one more thing" });
        var next = await visitorStates.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal("open", next.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Only_agents_resolve_and_nobody_reads_a_state_that_is_not_theirs()
    {
        var visitor = await server.NewVisitor();
        var other = await server.NewVisitor();
        var detail = await Problem(await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/resolve", null), HttpStatusCode.Forbidden);
        Assert.Contains("agents", detail);
        await Problem(await server.ClientWith(other.Token).GetAsync($"/chats/{visitor.GroupId}/state"), HttpStatusCode.Forbidden);
        await Problem(await server.ClientWith(await server.AgentToken()).PostAsync("/chats/999999/resolve", null), HttpStatusCode.Forbidden);
        var state = await Json(await server.ClientWith(visitor.Token).GetAsync($"/chats/{visitor.GroupId}/state"));
        Assert.Equal("open", state.GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_anonymous_visitor_who_reopens_is_named_by_the_label_the_console_lists_them_by()
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        await server.ClientWith(agentToken).PostAsync($"/chats/{visitor.GroupId}/resolve", null);
        (await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "Still broken" })).EnsureSuccessStatusCode();

        var state = await Json(await server.ClientWith(agentToken).GetAsync($"/chats/{visitor.GroupId}/state"));
        var rows = await Json(await server.ClientWith(agentToken).GetAsync("/groups"));
        var row = rows.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("id").GetInt32() == visitor.GroupId);
        Assert.Matches("^Visitor [0-9A-F]{6}$", row.GetProperty("visitor").GetString());
        Assert.Equal(row.GetProperty("visitor").GetString(), state.GetProperty("reopenedBy").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_visitors_message_reopens_a_resolved_conversation_and_says_who_and_when_but_an_agents_does_not()
    {
        var visitor = await server.NewVisitor("Omar");
        var agentToken = await server.AgentToken();
        var (hub, states) = await Listen(visitor.Token, visitor.GroupId);
        await using var _ = hub;
        await server.ClientWith(agentToken).PostAsync($"/chats/{visitor.GroupId}/resolve", null);
        Assert.Equal("resolved", (await states.Reader.ReadAsync().AsTask().WaitAsync(Wait)).GetProperty("state").GetString());

        var agentSent = await server.ClientWith(agentToken).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "Glad to help." });
        agentSent.EnsureSuccessStatusCode();
        Assert.Equal("resolved", (await Json(await server.ClientWith(agentToken).GetAsync($"/chats/{visitor.GroupId}/state"))).GetProperty("state").GetString());

        var sent = await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "It broke again", clientMessageId = "r-1" });
        var chat = (await sent.Content.ReadFromJsonAsync<SendAnswer>())!.Chat;
        var reopened = await states.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal("open", reopened.GetProperty("state").GetString());
        Assert.Equal(visitor.UserId, reopened.GetProperty("reopenedBy").GetProperty("userId").GetInt32());
        Assert.Equal("Omar", reopened.GetProperty("reopenedBy").GetProperty("name").GetString());
        // The message's time; PostgreSQL keeps microseconds, so the stored one may be up to a microsecond short.
        Assert.InRange((chat.CreatedAt - reopened.GetProperty("reopenedAt").GetDateTime()).Ticks, 0, 9);
        Assert.Equal(1, reopened.GetProperty("resolution").GetInt32());

        // Resolved again, a retry of that same message (stored before this resolution) reopens nothing.
        await server.ClientWith(agentToken).PostAsync($"/chats/{visitor.GroupId}/resolve", null);
        Assert.Equal(2, (await states.Reader.ReadAsync().AsTask().WaitAsync(Wait)).GetProperty("resolution").GetInt32());
        (await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "It broke again", clientMessageId = "r-1" })).EnsureSuccessStatusCode();
        Assert.Equal("resolved", (await Json(await server.ClientWith(visitor.Token).GetAsync($"/chats/{visitor.GroupId}/state"))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_visitor_rates_each_resolution_once_and_agents_see_the_rating()
    {
        var visitor = await server.NewVisitor();
        var agentToken = await server.AgentToken();
        var client = server.ClientWith(visitor.Token);
        var rating = $"/chats/{visitor.GroupId}/rating";

        Assert.Contains("never resolved", await Problem(await client.PostAsJsonAsync(rating, new { score = 5 }), HttpStatusCode.Conflict));
        await server.ClientWith(agentToken).PostAsync($"/chats/{visitor.GroupId}/resolve", null);

        foreach (var bad in new object[] { new { score = 0 }, new { score = 6 }, new { comment = "no score" } })
        {
            Assert.Contains("1 to 5", await Problem(await client.PostAsJsonAsync(rating, bad), HttpStatusCode.BadRequest));
        }
        Assert.Contains("1000", await Problem(await client.PostAsJsonAsync(rating, new { score = 4, comment = new string('x', 1001) }), HttpStatusCode.BadRequest));
        await Problem(await server.ClientWith(agentToken).PostAsJsonAsync(rating, new { score = 5 }), HttpStatusCode.Forbidden);
        await Problem(await server.ClientWith((await server.NewVisitor()).Token).PostAsJsonAsync(rating, new { score = 1 }), HttpStatusCode.Forbidden);

        var rated = await Json(await client.PostAsJsonAsync(rating, new { score = 4, comment = "  <b>Quick</b> and kind  " }));
        Assert.True(rated.GetProperty("rated").GetBoolean());
        Assert.Contains("already", await Problem(await client.PostAsJsonAsync(rating, new { score = 1 }), HttpStatusCode.Conflict));

        var seen = await Json(await server.ClientWith(agentToken).GetAsync($"/chats/{visitor.GroupId}/state"));
        Assert.Equal(4, seen.GetProperty("rating").GetProperty("score").GetInt32());
        // Stored as the plain text it was (trimmed), for a text binding to show; never as markup.
        Assert.Equal("<b>Quick</b> and kind", seen.GetProperty("rating").GetProperty("comment").GetString());

        // Reopened and resolved again: a new resolution, rated afresh.
        (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "Back again" })).EnsureSuccessStatusCode();
        await server.ClientWith(agentToken).PostAsync($"/chats/{visitor.GroupId}/resolve", null);
        var second = await Json(await client.GetAsync($"/chats/{visitor.GroupId}/state"));
        Assert.False(second.GetProperty("rated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("rating").ValueKind);
        Assert.Equal(2, (await Json(await client.PostAsJsonAsync(rating, new { score = 2 }))).GetProperty("rating").GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task Two_ratings_racing_for_one_resolution_store_one()
    {
        var visitor = await server.NewVisitor();
        await server.ClientWith(await server.AgentToken()).PostAsync($"/chats/{visitor.GroupId}/resolve", null);
        var client = server.ClientWith(visitor.Token);
        var answers = await Task.WhenAll(Enumerable.Range(1, 5).Select(score => client.PostAsJsonAsync($"/chats/{visitor.GroupId}/rating", new { score })));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
    }
}
