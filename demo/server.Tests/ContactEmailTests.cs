using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace SupportChat.Server.Tests;

/// <summary>The visitor leaves an address for when nobody is there; agents see it in their list.</summary>
public sealed class ContactEmailTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static async Task<string> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.Matches(@"^[A-Z].{10,}\.$", detail);
        return detail;
    }

    private async Task<JsonElement> Listed(int groupId)
    {
        var list = JsonDocument.Parse(await server.ClientWith(await server.AgentToken()).GetStringAsync("/groups")).RootElement;
        return list.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("id").GetInt32() == groupId);
    }

    [Fact]
    public async Task The_visitors_address_is_stored_trimmed_and_shown_to_agents_and_a_second_replaces_it()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        Assert.Equal(JsonValueKind.Null, (await Listed(visitor.GroupId)).GetProperty("contactEmail").ValueKind);

        var answer = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}/contact", new { email = "  ana@example.com " });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("ana@example.com", (await Listed(visitor.GroupId)).GetProperty("contactEmail").GetString());
        (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}/contact", new { email = "ana@work.example" })).EnsureSuccessStatusCode();
        Assert.Equal("ana@work.example", (await Listed(visitor.GroupId)).GetProperty("contactEmail").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not an address")]
    [InlineData("Ana <ana@example.com>")]
    [InlineData("ana@example.com, bob@example.com")]
    [InlineData("ana@localhost")]
    [InlineData("<img src=x onerror=alert(1)>@example.com")]
    public async Task Anything_but_one_address_is_a_400_and_keeps_what_was_stored(string email)
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}/contact", new { email = "kept@example.com" })).EnsureSuccessStatusCode();
        Assert.Contains("name@example.com", await Problem(await client.PostAsJsonAsync($"/chats/{visitor.GroupId}/contact", new { email }), HttpStatusCode.BadRequest));
        Assert.Equal("kept@example.com", (await Listed(visitor.GroupId)).GetProperty("contactEmail").GetString());
    }

    [Fact]
    public async Task An_address_over_254_characters_is_a_400()
    {
        var visitor = await server.NewVisitor();
        var email = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".example";
        Assert.True(email.Length > 254);
        await Problem(await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}/contact", new { email }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_the_conversations_visitor_leaves_an_address()
    {
        var visitor = await server.NewVisitor();
        var other = await server.NewVisitor();
        var path = $"/chats/{visitor.GroupId}/contact";
        await Problem(await server.ClientWith(other.Token).PostAsJsonAsync(path, new { email = "x@example.com" }), HttpStatusCode.Forbidden);
        await Problem(await server.ClientWith(await server.AgentToken()).PostAsJsonAsync(path, new { email = "x@example.com" }), HttpStatusCode.Forbidden);
        Assert.Equal(JsonValueKind.Null, (await Listed(visitor.GroupId)).GetProperty("contactEmail").ValueKind);
    }

    [Fact]
    public async Task Agents_watching_hear_the_address_at_once_and_a_refused_one_is_not_pushed()
    {
        await using var console = server.Hub(await server.AgentToken());
        var heard = Channel.CreateUnbounded<JsonElement>();
        console.On<JsonElement>("ConversationContact", contact => heard.Writer.TryWrite(contact));
        await console.StartAsync();
        await console.InvokeAsync("WatchConversations");

        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var path = $"/chats/{visitor.GroupId}/contact";
        await Problem(await client.PostAsJsonAsync(path, new { email = "not an address" }), HttpStatusCode.BadRequest);
        (await client.PostAsJsonAsync(path, new { email = " ana@example.com " })).EnsureSuccessStatusCode();

        // The first push is the address stored, named as the list names it.
        var pushed = await heard.Reader.ReadAsync().AsTask().WaitAsync(Readers.Wait);
        Assert.Equal(visitor.GroupId, pushed.GetProperty("groupId").GetInt32());
        Assert.Equal("ana@example.com", pushed.GetProperty("contactEmail").GetString());
        Assert.Equal("ana@example.com", (await Listed(visitor.GroupId)).GetProperty("contactEmail").GetString());
    }
}
