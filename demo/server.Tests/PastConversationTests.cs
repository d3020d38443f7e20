using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace SupportChat.Server.Tests;

/// <summary>A returning visitor (the cookie of POST /visitors) lists their conversations, starts a new one, opens an old one.</summary>
public sealed class PastConversationTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static async Task<VisitorAnswer> Arrive(HttpClient browser)
    {
        var response = await browser.PostAsJsonAsync("/visitors", new { });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<VisitorAnswer>())!;
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task A_returning_visitor_starts_a_new_conversation_lists_both_and_may_open_the_old_one_only_theirs()
    {
        // One browser: the cookie jar is what makes the next visit the same visitor.
        var browser = server.CreateClient();
        var first = await Arrive(browser);
        await Readers.Say(server, first.Token, first.GroupId, "My first question");

        var started = await browser.SendAsync(Authorized(HttpMethod.Post, "/visitors/conversations", first.Token));
        var newGroup = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("groupId").GetInt32();
        Assert.NotEqual(first.GroupId, newGroup);
        // Still empty: asking again answers the same one, so empty conversations do not pile up.
        var again = await browser.SendAsync(Authorized(HttpMethod.Post, "/visitors/conversations", first.Token));
        Assert.Equal(newGroup, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("groupId").GetInt32());

        var back = await Arrive(browser);
        Assert.Equal(first.UserId, back.UserId);
        Assert.Equal(newGroup, back.GroupId);

        var listed = JsonDocument.Parse(await (await browser.SendAsync(Authorized(HttpMethod.Get, "/visitors/conversations", back.Token))).Content.ReadAsStringAsync())
            .RootElement.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal([newGroup, first.GroupId], listed.Select(c => c.GetProperty("groupId").GetInt32()));
        Assert.Equal("My first question", listed[1].GetProperty("lastMessage").GetString());
        Assert.Equal("open", listed[1].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, listed[0].GetProperty("lastMessage").ValueKind);

        await using var hub = server.Hub(back.Token);
        await hub.StartAsync();
        await hub.InvokeAsync("JoinGroup", first.GroupId.ToString());
        var history = await server.ClientWith(back.Token).GetFromJsonAsync<ChatsAnswer>($"/chats/{first.GroupId}");
        Assert.Equal("My first question", Assert.Single(history!.Chats).Message);

        var stranger = await server.NewVisitor();
        await using var strangerHub = server.Hub(stranger.Token);
        await strangerHub.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => strangerHub.InvokeAsync("JoinGroup", first.GroupId.ToString()));
        var strangers = await server.ClientWith(stranger.Token).GetStringAsync("/visitors/conversations");
        Assert.DoesNotContain($"\"groupId\":{first.GroupId},", strangers);
    }

    [Fact]
    public async Task Agents_have_no_past_conversations_and_start_none_here()
    {
        var agent = server.ClientWith(await server.AgentToken());
        var list = await agent.GetAsync("/visitors/conversations");
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Contains("GET /groups", await list.Content.ReadAsStringAsync());
        var start = await agent.PostAsync("/visitors/conversations", null);
        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        Assert.Contains("POST /groups", await start.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.ClientWith(null).GetAsync("/visitors/conversations")).StatusCode);
    }
}
