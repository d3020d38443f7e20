using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace SupportChat.Server.Tests;

/// <summary>A message's <c>format</c>: agents may send markdown, everyone else plain text, and every reader is told which.</summary>
public sealed class MessageFormatTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task An_agents_markdown_is_stored_pushed_and_read_back_as_markdown()
    {
        var visitor = await server.NewVisitor("Mara");
        await using var hub = server.Hub(visitor.Token);
        var pushed = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonElement>("ReceiveMessage", message => pushed.TrySetResult(message));
        await hub.StartAsync();
        await hub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());

        var agent = server.ClientWith(await server.AgentToken());
        var sent = await agent.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "**Step 1:** restart", format = "markdown" });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal("markdown", JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("chat").GetProperty("format").GetString());

        var push = await pushed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("markdown", push.GetProperty("format").GetString());
        Assert.Equal("**Step 1:** restart", push.GetProperty("message").GetString());

        var history = await HistoryAsync(server.ClientWith(visitor.Token), visitor.GroupId);
        Assert.Equal("markdown", Assert.Single(history).GetProperty("format").GetString());
    }

    [Fact]
    public async Task A_message_without_a_format_reads_as_text_as_before()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { groupId = visitor.GroupId, message = "*not bold*" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "said so", format = "text" })).StatusCode);

        var history = await HistoryAsync(client, visitor.GroupId);
        Assert.Equal(["text", "text"], history.Select(m => m.GetProperty("format").GetString()));
    }

    [Fact]
    public async Task A_visitors_markdown_is_refused_with_a_sentence_and_nothing_is_stored()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var refused = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "[click](https://evil.example)", format = "markdown" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("Only agents", problem.GetProperty("detail").GetString());
        Assert.Empty(await HistoryAsync(client, visitor.GroupId));
    }

    [Fact]
    public async Task An_unknown_format_is_refused_and_nothing_is_stored()
    {
        var visitor = await server.NewVisitor();
        var agent = server.ClientWith(await server.AgentToken());
        var refused = await agent.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "<b>hi</b>", format = "html" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("\"html\"", problem.GetProperty("detail").GetString());
        Assert.Empty(await HistoryAsync(agent, visitor.GroupId));
    }

    private static async Task<List<JsonElement>> HistoryAsync(HttpClient client, int groupId)
    {
        var body = JsonDocument.Parse(await client.GetStringAsync($"/chats/{groupId}")).RootElement;
        return [.. body.GetProperty("chats").EnumerateArray()];
    }
}
