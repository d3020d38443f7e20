using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Data;

namespace SupportChat.Server.Tests;

/// <summary>
/// The server as a sender whose request dies just after its message is saved: the test hook aborts the
/// request of any send whose clientMessageId starts with <see cref="AbortPrefix"/>, right after the save.
/// </summary>
public sealed class AbortAfterSaveServer : ServerFactory
{
    public const string AbortPrefix = "abort-after-save";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddHttpContextAccessor();
            services.AddSingleton<AbortAfterSave>();
            services.ConfigureDbContext<SqliteChatDb>((sp, db) => db.AddInterceptors(sp.GetRequiredService<AbortAfterSave>()));
        });
    }

    private sealed class AbortAfterSave(IHttpContextAccessor http) : SaveChangesInterceptor
    {
        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData saved, int result, CancellationToken cancel)
        {
            if (saved.Context!.ChangeTracker.Entries<Chat>().Any(e => e.Entity.ClientMessageId?.StartsWith(AbortPrefix) == true))
            {
                http.HttpContext?.Abort();
            }
            return ValueTask.FromResult(result);
        }
    }
}

/// <summary>Nothing lost, nothing twice, on the server's side of a send.</summary>
public sealed class SendDeliveryTests(AbortAfterSaveServer server) : IClassFixture<AbortAfterSaveServer>
{
    private async Task<(HubConnection Hub, ChannelReader<JsonElement> Pushes)> AgentWatching(int groupId)
    {
        var hub = server.Hub(await server.AgentToken());
        var pushes = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("ReceiveMessage", message => pushes.Writer.TryWrite(message));
        await hub.StartAsync();
        await hub.InvokeAsync("JoinGroup", groupId.ToString());
        return (hub, pushes.Reader);
    }

    /// <summary>The next push, as soon as it comes; a test that waits 20 s for one has found a lost push.</summary>
    private static async Task<JsonElement> NextPush(ChannelReader<JsonElement> pushes, string what)
    {
        try
        {
            return await pushes.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Still waiting for {what}.");
        }
    }

    [Fact]
    public async Task Ten_concurrent_sends_with_one_clientMessageId_store_one_message_and_answer_each_with_it()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var body = new { groupId = visitor.GroupId, message = "sent ten times at once", clientMessageId = "same-id" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.PostAsJsonAsync($"/chats/{visitor.GroupId}", body)));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        var answers = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<SendAnswer>()));
        var stored = Assert.Single((await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}"))!.Chats);
        Assert.All(answers, answer => Assert.Equal(stored.Id, answer!.Chat.Id));
        Assert.All(answers, answer => Assert.Equal("same-id", answer!.Chat.ClientMessageId));
    }

    [Fact]
    public async Task A_message_whose_sender_gave_up_after_the_save_still_reaches_the_group()
    {
        var visitor = await server.NewVisitor();
        var (hub, pushes) = await AgentWatching(visitor.GroupId);
        await using var _ = hub;

        var body = new { message = "sent, then the tab closed", clientMessageId = $"{AbortAfterSaveServer.AbortPrefix}-1" };
        await Assert.ThrowsAnyAsync<Exception>(() => server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", body));

        var push = await NextPush(pushes, "the push of the saved message");
        var stored = Assert.Single((await server.ClientWith(visitor.Token).GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}"))!.Chats);
        Assert.Equal(stored.Id, push.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task A_retry_answered_from_the_store_pushes_the_stored_message_to_the_group_again()
    {
        var visitor = await server.NewVisitor();
        var (hub, pushes) = await AgentWatching(visitor.GroupId);
        await using var _ = hub;
        var client = server.ClientWith(visitor.Token);
        var body = new { message = "retried", clientMessageId = "retry-1" };

        var first = await (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", body)).Content.ReadFromJsonAsync<SendAnswer>();
        var retry = await (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", body)).Content.ReadFromJsonAsync<SendAnswer>();

        Assert.Equal(first!.Chat.Id, retry!.Chat.Id);
        Assert.Equal(first.Chat.Id, (await NextPush(pushes, "the first push")).GetProperty("id").GetInt32());
        Assert.Equal(first.Chat.Id, (await NextPush(pushes, "the second push")).GetProperty("id").GetInt32());
        Assert.Single((await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}"))!.Chats);
    }
}
