using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace SupportChat.Server.Tests;

/// <summary>The seed's GroupChatHub over a real SignalR client: authentication, joins, pushes.</summary>
public sealed class HubTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task An_anonymous_connection_is_refused()
    {
        await using var hub = server.Hub(token: null);
        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task Joining_another_visitors_conversation_fails_with_a_message_the_widget_can_show()
    {
        var owner = await server.NewVisitor();
        var intruder = await server.NewVisitor();
        await using var hub = server.Hub(intruder.Token);
        await hub.StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinGroup", owner.GroupId.ToString()));
        Assert.Contains($"You may not join conversation {owner.GroupId}.", error.Message);
        await hub.InvokeAsync("JoinGroup", intruder.GroupId.ToString());
    }

    [Fact]
    public async Task Joining_a_group_that_is_not_a_number_fails_cleanly()
    {
        var visitor = await server.NewVisitor();
        await using var hub = server.Hub(visitor.Token);
        await hub.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("JoinGroup", "../1"));
    }

    [Fact]
    public async Task A_hub_message_over_the_receive_limit_closes_the_connection()
    {
        var visitor = await server.NewVisitor();
        await using var hub = server.Hub(visitor.Token);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        await hub.StartAsync();

        var invoke = hub.InvokeAsync("JoinGroup", new string('9', 64 * 1024));
        await Assert.ThrowsAnyAsync<Exception>(() => invoke.WaitAsync(TimeSpan.FromSeconds(10)));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
    }

    [Fact]
    public async Task A_posted_message_is_pushed_to_the_group_with_isMe_false_and_the_extensions()
    {
        var visitor = await server.NewVisitor("Paula");
        await using var agentHub = server.Hub(await server.AgentToken());
        var pushed = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        agentHub.On<JsonElement>("ReceiveMessage", message => pushed.TrySetResult(message));
        await agentHub.StartAsync();
        await agentHub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());

        var sent = await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "Is anyone there?", clientMessageId = "c-9" });
        var answer = await sent.Content.ReadFromJsonAsync<SendAnswer>();

        var message = await pushed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(answer!.Chat.Id, message.GetProperty("id").GetInt32());
        Assert.Equal("Is anyone there?", message.GetProperty("message").GetString());
        Assert.Equal("Paula", message.GetProperty("name").GetString());
        Assert.Equal(visitor.UserId, message.GetProperty("userId").GetInt32());
        Assert.False(message.GetProperty("isMe").GetBoolean());
        Assert.Equal(visitor.GroupId, message.GetProperty("groupId").GetInt32());
        Assert.Equal("c-9", message.GetProperty("clientMessageId").GetString());
    }

    [Fact]
    public async Task Typing_tells_the_others_in_the_conversation_who_is_typing_and_is_refused_elsewhere()
    {
        var visitor = await server.NewVisitor("Tina");
        var stranger = await server.NewVisitor();
        await using var agentHub = server.Hub(await server.AgentToken());
        await using var visitorHub = server.Hub(visitor.Token);
        var typing = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        agentHub.On<JsonElement>("UserTyping", payload => typing.TrySetResult(payload));
        var echoed = false;
        visitorHub.On<JsonElement>("UserTyping", _ => echoed = true);
        await agentHub.StartAsync();
        await visitorHub.StartAsync();
        await agentHub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());
        await visitorHub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());

        await visitorHub.InvokeAsync("Typing", visitor.GroupId.ToString());
        var payload = await typing.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(visitor.GroupId, payload.GetProperty("groupId").GetInt32());
        Assert.Equal(visitor.UserId, payload.GetProperty("userId").GetInt32());
        Assert.Equal("Tina", payload.GetProperty("name").GetString());
        Assert.False(echoed);

        await using var strangerHub = server.Hub(stranger.Token);
        await strangerHub.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => strangerHub.InvokeAsync("Typing", visitor.GroupId.ToString()));
    }

    [Fact]
    public async Task After_LeaveGroup_no_more_pushes_arrive()
    {
        var left = await server.NewVisitor();
        var stayed = await server.NewVisitor();
        await using var hub = server.Hub(await server.AgentToken());
        var received = new List<int>();
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonElement>("ReceiveMessage", message =>
        {
            lock (received) received.Add(message.GetProperty("groupId").GetInt32());
            if (message.GetProperty("groupId").GetInt32() == stayed.GroupId) second.TrySetResult();
        });
        await hub.StartAsync();
        await hub.InvokeAsync("JoinGroup", left.GroupId.ToString());
        await hub.InvokeAsync("JoinGroup", stayed.GroupId.ToString());
        await hub.InvokeAsync("LeaveGroup", left.GroupId.ToString());

        await server.ClientWith(left.Token).PostAsJsonAsync($"/chats/{left.GroupId}", new { message = "to the group left" });
        await server.ClientWith(stayed.Token).PostAsJsonAsync($"/chats/{stayed.GroupId}", new { message = "to the group kept" });
        await second.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Pushed in order over one connection: had the first arrived, it would be in the list already.
        lock (received) Assert.Equal([stayed.GroupId], received);
    }

    [Fact]
    public async Task An_agent_watching_hears_of_each_new_conversation_and_each_message_in_any_and_a_visitor_may_not_watch()
    {
        await using var console = server.Hub(await server.AgentToken());
        var started = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        console.On<JsonElement>("ConversationStarted", group => started.TrySetResult(group));
        console.On<JsonElement>("ConversationMessage", chat => message.TrySetResult(chat));
        await console.StartAsync();
        await console.InvokeAsync("WatchConversations");

        var visitor = await server.NewVisitor("Nora");
        var group = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(visitor.GroupId, group.GetProperty("id").GetInt32());
        Assert.Equal("Conversation with Nora", group.GetProperty("name").GetString());

        // Not joined to the conversation, the console still hears of its messages.
        await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "My grinder is jammed" });
        var chat = await message.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(visitor.GroupId, chat.GetProperty("groupId").GetInt32());
        Assert.Equal("My grinder is jammed", chat.GetProperty("message").GetString());

        await using var visitorHub = server.Hub(visitor.Token);
        await visitorHub.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => visitorHub.InvokeAsync("WatchConversations"));
    }
}
