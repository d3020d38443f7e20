using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Data;
using SupportChat.Server.Files;

namespace SupportChat.Server.Tests;

/// <summary>Uploads are limited per user like sends: a burst is refused with 429, Retry-After and a sentence, and stores nothing.</summary>
public sealed class UploadRateLimitTests(UploadRateLimitTests.Server server) : IClassFixture<UploadRateLimitTests.Server>
{
    public sealed class Server : ServerFactory
    {
        // A window far longer than the test, so the count cannot roll over in the middle of it on a slow machine.
        // Room for all twenty at once: this is about the rate, and on two cores the default number of uploads read
        // at the same time (four per core) would answer some of the ten allowed ones 503 instead.
        protected override IEnumerable<(string Key, string Value)> Settings =>
            [("SUPPORTCHAT_SEND_WINDOW_SECONDS", "600"), ("SUPPORTCHAT_MAX_CONCURRENT_UPLOADS", "64")];
    }

    [Fact]
    public async Task Twenty_uploads_at_once_from_one_visitor_store_ten_and_refuse_the_rest()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(FileSamples.Png, "a.png", "image/png"))));

        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(10, refused.Count);
        foreach (var answer in refused)
        {
            Assert.True(answer.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Contains("Too many files", JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        }
        await using var scope = server.Services.CreateAsyncScope();
        Assert.Equal(10, await scope.ServiceProvider.GetRequiredService<ChatDb>().Files.CountAsync(f => f.UploaderId == visitor.UserId));
    }
}

/// <summary>A clock the test moves, for what happens after a while: links expire, unattached files are swept.</summary>
public sealed class MovableClock : TimeProvider
{
    private TimeSpan ahead;

    public void Advance(TimeSpan by) => ahead += by;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
}

/// <summary>The server on a <see cref="MovableClock"/>; one per test class, as the clock only moves forward.</summary>
public sealed class ClockServer : ServerFactory
{
    public MovableClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class FileLinkExpiryTests(ClockServer server) : IClassFixture<ClockServer>
{

    [Fact]
    public async Task A_link_works_for_its_lifetime_then_is_refused_and_a_fresh_read_signs_a_new_one()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var upload = await client.PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(FileSamples.Gif, "a.gif", "image/gif"));
        var id = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        await client.PostAsync($"/chats/{visitor.GroupId}", JsonContent(new { message = "look", attachments = new[] { id } }));
        var url = await LinkFromHistoryAsync(client, visitor.GroupId);
        var anonymous = server.ClientWith(null);

        server.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);
        server.Clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Contains("expired", JsonDocument.Parse(await expired.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());

        var fresh = await LinkFromHistoryAsync(client, visitor.GroupId);
        Assert.NotEqual(url, fresh);
        Assert.Equal(FileSamples.Gif, await anonymous.GetByteArrayAsync(fresh));
    }

    private static async Task<string> LinkFromHistoryAsync(HttpClient client, int groupId)
    {
        var chats = JsonDocument.Parse(await client.GetStringAsync($"/chats/{groupId}")).RootElement.GetProperty("chats");
        return chats[0].GetProperty("attachments")[0].GetProperty("url").GetString()!;
    }

    internal static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}

public sealed class UnattachedFileSweepTests(ClockServer server) : IClassFixture<ClockServer>
{
    [Fact]
    public async Task Files_never_attached_are_swept_after_an_hour_and_attached_ones_stay()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        async Task<string> Upload()
        {
            var answer = await client.PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(FileSamples.Png, "a.png", "image/png"));
            return JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        }
        var kept = await Upload();
        var forgotten = await Upload();
        await client.PostAsync($"/chats/{visitor.GroupId}", FileLinkExpiryTests.JsonContent(new { message = "kept", attachments = new[] { kept } }));
        var sweep = server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<UnattachedFileSweep>().Single();
        var folder = server.Services.GetRequiredService<SupportChatOptions>().FilesPath;

        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None));
        server.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await sweep.SweepAsync(CancellationToken.None));

        Assert.True(File.Exists(Path.Combine(folder, kept)));
        Assert.False(File.Exists(Path.Combine(folder, forgotten)));
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        Assert.NotNull(await db.Files.FindAsync(kept));
        Assert.Null(await db.Files.FindAsync(forgotten));
    }
}
