using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace SupportChat.Server.Tests;

/// <summary>The conversation list agents share: who, where from, what state, whose; filters; assignment live.</summary>
public sealed class ConsoleListTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private async Task<VisitorAnswer> Visitor(object body)
    {
        var response = await server.ClientWith(null).PostAsJsonAsync("/visitors", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<VisitorAnswer>())!;
    }

    private async Task<List<JsonElement>> List(string query = "")
    {
        var list = JsonDocument.Parse(await server.ClientWith(await server.AgentToken()).GetStringAsync($"/groups{query}")).RootElement;
        return [.. list.GetProperty("groups").EnumerateArray()];
    }

    private async Task<JsonElement> Listed(int groupId) => (await List()).Single(g => g.GetProperty("id").GetInt32() == groupId);

    [Fact]
    public async Task The_visitors_page_zone_and_language_are_listed_as_plain_checked_values()
    {
        var visitor = await Visitor(new { name = "Lena", pageUrl = "https://shop.example/cart?token=secret#pay", timeZone = "Europe/Berlin", language = "de-DE" });
        var row = await Listed(visitor.GroupId);
        Assert.Equal("Lena", row.GetProperty("visitor").GetString());
        Assert.Equal("https://shop.example/cart", row.GetProperty("pageUrl").GetString());
        Assert.Equal("Europe/Berlin", row.GetProperty("timeZone").GetString());
        Assert.Equal("de-DE", row.GetProperty("language").GetString());

        var odd = await Visitor(new { pageUrl = "javascript:alert(1)", timeZone = "Mars/Olympus", language = "<b>de</b>" });
        var oddRow = await Listed(odd.GroupId);
        Assert.Equal(JsonValueKind.Null, oddRow.GetProperty("pageUrl").ValueKind);
        Assert.Equal(JsonValueKind.Null, oddRow.GetProperty("timeZone").ValueKind);
        Assert.Equal(JsonValueKind.Null, oddRow.GetProperty("language").ValueKind);
    }

    [Fact]
    public async Task Anonymous_visitors_get_stable_labels_that_tell_them_apart()
    {
        var first = await server.NewVisitor();
        var second = await server.NewVisitor();
        var a = (await Listed(first.GroupId)).GetProperty("visitor").GetString()!;
        var b = (await Listed(second.GroupId)).GetProperty("visitor").GetString()!;
        Assert.Matches("^Visitor [0-9A-F]{6}$", a);
        Assert.Matches("^Visitor [0-9A-F]{6}$", b);
        Assert.NotEqual(a, b);
        Assert.Equal(a, (await Listed(first.GroupId)).GetProperty("visitor").GetString());
    }

    [Fact]
    public async Task Filters_open_waiting_and_resolved_follow_who_wrote_last_and_the_state()
    {
        var agentToken = await server.AgentToken();
        var waiting = await server.NewVisitor();
        var answered = await server.NewVisitor();
        var resolved = await server.NewVisitor();
        await Readers.Say(server, waiting.Token, waiting.GroupId, "Help?");
        await Readers.Say(server, answered.Token, answered.GroupId, "Help?");
        await Readers.Say(server, agentToken, answered.GroupId, "Here.");
        await Readers.Say(server, resolved.Token, resolved.GroupId, "Thanks");
        await server.ClientWith(agentToken).PostAsync($"/chats/{resolved.GroupId}/resolve", null);
        (await server.ClientWith(resolved.Token).PostAsJsonAsync($"/chats/{resolved.GroupId}/rating", new { score = 5, comment = "great" })).EnsureSuccessStatusCode();

        static HashSet<int> Ids(List<JsonElement> rows) => [.. rows.Select(r => r.GetProperty("id").GetInt32())];
        var open = Ids(await List("?state=open"));
        var waits = Ids(await List("?state=waiting"));
        var done = Ids(await List("?state=resolved"));
        Assert.Contains(waiting.GroupId, open);
        Assert.Contains(answered.GroupId, open);
        Assert.DoesNotContain(resolved.GroupId, open);
        Assert.Contains(waiting.GroupId, waits);
        Assert.DoesNotContain(answered.GroupId, waits);
        Assert.DoesNotContain(resolved.GroupId, waits);
        Assert.Equal([resolved.GroupId], done.Intersect([waiting.GroupId, answered.GroupId, resolved.GroupId]));

        var row = await Listed(resolved.GroupId);
        Assert.Equal("resolved", row.GetProperty("state").GetString());
        Assert.False(row.GetProperty("waiting").GetBoolean());
        Assert.Equal(5, row.GetProperty("rating").GetProperty("score").GetInt32());
        Assert.True((await Listed(waiting.GroupId)).GetProperty("waiting").GetBoolean());

        var bad = await server.ClientWith(agentToken).GetAsync("/groups?state=closed");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("open, waiting or resolved", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Assign_to_me_reaches_a_second_agents_console_at_once_and_the_list()
    {
        var visitor = await server.NewVisitor();
        await using var second = server.Hub(await server.AgentToken());
        var heard = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        second.On<JsonElement>("ConversationAssigned", a => heard.TrySetResult(a));
        await second.StartAsync();
        await second.InvokeAsync("WatchConversations");

        var answer = await server.ClientWith(await server.AgentToken()).PostAsync($"/chats/{visitor.GroupId}/assign", null);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var pushed = await heard.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(visitor.GroupId, pushed.GetProperty("groupId").GetInt32());
        Assert.Equal("Support team", pushed.GetProperty("assignee").GetProperty("name").GetString());
        Assert.Equal("Support team", (await Listed(visitor.GroupId)).GetProperty("assignee").GetProperty("name").GetString());

        var refused = await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/assign", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only agents may take a conversation.", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Each_row_says_its_last_messages_format_and_file_names_so_a_console_previews_it_without_reading_it()
    {
        var agentToken = await server.AgentToken();
        var quiet = await server.NewVisitor();
        var answered = await server.NewVisitor();
        var sender = await server.NewVisitor();
        await Readers.Say(server, answered.Token, answered.GroupId, "When does it ship?");
        (await server.ClientWith(agentToken).PostAsJsonAsync($"/chats/{answered.GroupId}", new { message = "**On Tuesday**", format = "markdown" }))
            .EnsureSuccessStatusCode();
        var visitorClient = server.ClientWith(sender.Token);
        List<string> ids = [];
        foreach (var name in new[] { "receipt.txt", "box label.txt" })
        {
            var upload = await visitorClient.PostAsync($"/chats/{sender.GroupId}/files", FileSamples.Form("Order NW-1042"u8.ToArray(), name, "text/plain"));
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            ids.Add(JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
        }
        var sent = await visitorClient.PostAsJsonAsync($"/chats/{sender.GroupId}", new { message = "", attachments = ids });
        sent.EnsureSuccessStatusCode();
        var attached = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("chat").GetProperty("attachments")
            .EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();

        var none = await Listed(quiet.GroupId);
        Assert.Equal(JsonValueKind.Null, none.GetProperty("lastMessageFormat").ValueKind);
        Assert.Equal(JsonValueKind.Null, none.GetProperty("lastMessageFiles").ValueKind);

        var markdown = await Listed(answered.GroupId);
        Assert.Equal("**On Tuesday**", markdown.GetProperty("lastMessage").GetString());
        Assert.Equal("markdown", markdown.GetProperty("lastMessageFormat").GetString());
        Assert.Empty(markdown.GetProperty("lastMessageFiles").EnumerateArray());

        // The names in the order the message carries its files; the message itself has no words.
        var files = await Listed(sender.GroupId);
        Assert.Equal("", files.GetProperty("lastMessage").GetString());
        Assert.Equal("text", files.GetProperty("lastMessageFormat").GetString());
        var listedNames = files.GetProperty("lastMessageFiles").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Equal(attached, listedNames);
        Assert.Equal(["box label.txt", "receipt.txt"], listedNames.Order());

        // The next message is the one described.
        await Readers.Say(server, sender.Token, sender.GroupId, "Did you get them?");
        var later = await Listed(sender.GroupId);
        Assert.Equal("text", later.GetProperty("lastMessageFormat").GetString());
        Assert.Empty(later.GetProperty("lastMessageFiles").EnumerateArray());
    }

    [Fact]
    public async Task A_new_conversation_is_pushed_as_the_row_the_list_gives_it_with_the_seeds_id_and_name()
    {
        await using var console = server.Hub(await server.AgentToken());
        var started = Channel.CreateUnbounded<JsonElement>();
        console.On<JsonElement>("ConversationStarted", row => started.Writer.TryWrite(row));
        await console.StartAsync();
        await console.InvokeAsync("WatchConversations");

        var visitor = await Visitor(new { name = "Lena", pageUrl = "https://shop.example/cart", timeZone = "Europe/Berlin", language = "de-DE" });
        var pushed = await Next(started, visitor.GroupId);
        Assert.Equal("Conversation with Lena", pushed.GetProperty("name").GetString());
        Assert.Equal("Lena", pushed.GetProperty("visitor").GetString());
        Assert.Equal("https://shop.example/cart", pushed.GetProperty("pageUrl").GetString());
        Assert.Equal("Europe/Berlin", pushed.GetProperty("timeZone").GetString());
        Assert.Equal("de-DE", pushed.GetProperty("language").GetString());
        Assert.Equal("open", pushed.GetProperty("state").GetString());
        Assert.Equal((await Listed(visitor.GroupId)).GetRawText(), pushed.GetRawText());

        // A returning visitor's next conversation is pushed the same way, with where they were carried over.
        await Readers.Say(server, visitor.Token, visitor.GroupId, "Thanks, bye");
        var next = await server.ClientWith(visitor.Token).PostAsync("/visitors/conversations", null);
        next.EnsureSuccessStatusCode();
        var nextId = JsonDocument.Parse(await next.Content.ReadAsStringAsync()).RootElement.GetProperty("groupId").GetInt32();
        var nextPushed = await Next(started, nextId);
        Assert.Equal("https://shop.example/cart", nextPushed.GetProperty("pageUrl").GetString());
        Assert.Equal((await Listed(nextId)).GetRawText(), nextPushed.GetRawText());
    }

    /// <summary>The next push about <paramref name="groupId"/>.</summary>
    private static async Task<JsonElement> Next(Channel<JsonElement> pushes, int groupId)
    {
        while (true)
        {
            var row = await pushes.Reader.ReadAsync().AsTask().WaitAsync(Readers.Wait);
            if (row.GetProperty("id").GetInt32() == groupId) return row;
        }
    }
}
