using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Data;
using SupportChat.Server.Files;

namespace SupportChat.Server.Tests;

/// <summary>
/// What keeps uploads from filling the disk: a cap on a user's files not yet sent, one on a conversation's
/// files, and a sweep that removes everything old in one pass, rows and bytes without a row alike.
/// </summary>
public sealed class PendingFileQuotaTests(PendingFileQuotaTests.Server server) : IClassFixture<PendingFileQuotaTests.Server>
{
    public sealed class Server : ServerFactory
    {
        // Room for three of the sample PNG files waiting, and ten in the conversation.
        protected override IEnumerable<(string Key, string Value)> Settings =>
        [
            ("SUPPORTCHAT_MAX_PENDING_FILE_BYTES", (3 * FileSamples.Png.Length).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("SUPPORTCHAT_MAX_CONVERSATION_FILE_BYTES", (5 * FileSamples.Png.Length).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("SUPPORTCHAT_UPLOAD_LIMIT", "1000"),
        ];
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, int groupId) =>
        await client.PostAsync($"/chats/{groupId}/files", FileSamples.Form(FileSamples.Png, "a.png", "image/png"));

    private static async Task<string> IdOf(HttpResponseMessage answer) =>
        JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

    private static async Task<string> DetailOf(HttpResponseMessage answer) =>
        JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;

    [Fact]
    public async Task Files_waiting_to_be_sent_are_capped_per_user_until_a_message_takes_them()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var waiting = new List<string>();
        for (var i = 0; i < 3; i++) waiting.Add(await IdOf(await UploadAsync(client, visitor.GroupId)));

        var refused = await UploadAsync(client, visitor.GroupId);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(50));
        Assert.Contains("uploaded but not sent", await DetailOf(refused));
        await using (var scope = server.Services.CreateAsyncScope())
        {
            Assert.Equal(3, await scope.ServiceProvider.GetRequiredService<ChatDb>().Files.CountAsync(f => f.UploaderId == visitor.UserId));
        }

        var sent = await client.PostAsync($"/chats/{visitor.GroupId}", FileLinkExpiryTests.JsonContent(new { message = "these", attachments = waiting }));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(client, visitor.GroupId)).StatusCode);
    }

    [Fact]
    public async Task A_conversation_holds_files_up_to_its_cap_sent_or_not()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        for (var round = 0; round < 2; round++)
        {
            var ids = new List<string>();
            for (var i = 0; i < (round == 0 ? 3 : 2); i++) ids.Add(await IdOf(await UploadAsync(client, visitor.GroupId)));
            await client.PostAsync($"/chats/{visitor.GroupId}", FileLinkExpiryTests.JsonContent(new { message = "files", attachments = ids }));
        }

        var refused = await UploadAsync(client, visitor.GroupId);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("start a new conversation", await DetailOf(refused));
    }
}

public sealed class FileSweepTests(ClockServer server) : IClassFixture<ClockServer>
{
    [Fact]
    public async Task One_sweep_removes_every_old_unattached_file_and_old_bytes_no_row_names()
    {
        var options = server.Services.GetRequiredService<SupportChatOptions>();
        Assert.Equal(TimeSpan.FromHours(1), options.UnattachedFileLifetime);
        var store = server.Services.GetRequiredService<IFileStore>();
        var visitor = await server.NewVisitor();
        var now = server.Clock.GetUtcNow().UtcDateTime;
        var rows = Enumerable.Range(0, 1200).Select(_ => new ChatFile
        {
            Id = FileIds.New(),
            GroupId = visitor.GroupId,
            UploaderId = visitor.UserId,
            Name = "a.png",
            Size = FileSamples.Png.Length,
            ContentType = FileContent.Png,
            CreatedAt = now,
        }).ToList();
        foreach (var row in rows) await store.SaveAsync(row.Id, FileSamples.Png, row.ContentType, CancellationToken.None);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
            db.Files.AddRange(rows);
            await db.SaveChangesAsync();
        }
        // Bytes a failed upload left: a whole file without its row, and a half-written one.
        var folder = options.FilesPath;
        var orphan = FileIds.New();
        await store.SaveAsync(orphan, FileSamples.Png, FileContent.Png, CancellationToken.None);
        var partial = Path.Combine(folder, FileIds.New() + ".partial");
        await File.WriteAllBytesAsync(partial, FileSamples.Png);

        Assert.Equal(0, await server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<UnattachedFileSweep>().Single().SweepAsync(CancellationToken.None));
        server.Clock.Advance(TimeSpan.FromHours(2));
        // Written now, so young by the moved clock: an upload that is saving its row at this moment.
        var young = FileIds.New();
        File.SetLastWriteTimeUtc(Path.Combine(folder, orphan), DateTime.UtcNow - TimeSpan.FromHours(2));
        await store.SaveAsync(young, FileSamples.Png, FileContent.Png, CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(folder, young), server.Clock.GetUtcNow().UtcDateTime);

        var sweep = server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<UnattachedFileSweep>().Single();
        Assert.Equal(1202, await sweep.SweepAsync(CancellationToken.None));

        Assert.Equal([young], Directory.EnumerateFiles(folder).Select(Path.GetFileName));
        await using var check = server.Services.CreateAsyncScope();
        Assert.Equal(0, await check.ServiceProvider.GetRequiredService<ChatDb>().Files.CountAsync(f => f.UploaderId == visitor.UserId));
    }
}

/// <summary>Uploads read at once are bounded per instance (each holds a buffer of its file's size): one more is a 503 with Retry-After.</summary>
public sealed class UploadConcurrencyTests(UploadConcurrencyTests.Server server) : IClassFixture<UploadConcurrencyTests.Server>
{
    public sealed class Server : ServerFactory
    {
        protected override IEnumerable<(string Key, string Value)> Settings => [("SUPPORTCHAT_MAX_CONCURRENT_UPLOADS", "1")];
    }

    /// <summary>A multipart body sent in two halves, the second only when the test opens the gate.</summary>
    private sealed class HeldBody(byte[] body, string contentType, Task gate) : HttpContent
    {
        public TaskCompletionSource FirstHalfSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldBody Init()
        {
            Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            return this;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            FirstHalfSent.SetResult();
            await gate;
            await stream.WriteAsync(body.AsMemory(body.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    [Fact]
    public async Task An_upload_over_the_instance_limit_is_answered_503_with_Retry_After_and_the_next_one_is_taken()
    {
        var visitor = await server.NewVisitor();
        // The test server's own handler: the factory's client buffers a request body whole before sending it.
        using var client = new HttpClient(server.Server.CreateHandler()) { BaseAddress = server.Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", visitor.Token);
        var form = FileSamples.Form(FileSamples.Png, "a.png", "image/png");
        var gate = new TaskCompletionSource();
        var held = new HeldBody(await form.ReadAsByteArrayAsync(), form.Headers.ContentType!.ToString(), gate.Task).Init();
        using var reading = new MeterWatch(server.Services, "support_chat.uploads.reading");
        var first = client.PostAsync($"/chats/{visitor.GroupId}/files", held);
        var slots = server.Services.GetRequiredService<UploadSlots>();
        // Until the first upload is being read: it holds the one slot.
        await reading.Until(count => count == 1, "The first upload was never read.");
        Assert.Equal(0, slots.Free);

        var busy = await client.PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(FileSamples.Png, "b.png", "image/png"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.True(busy.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Try again in a few seconds", JsonDocument.Parse(await busy.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());

        gate.SetResult();
        Assert.Equal(HttpStatusCode.Created, (await first).StatusCode);
        Assert.Equal(1, slots.Free);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(FileSamples.Png, "c.png", "image/png"))).StatusCode);
    }
}

/// <summary>What a message's attachments may name, answered with a 400 and a sentence, never a 500.</summary>
public sealed class AttachmentInputTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Theory]
    [InlineData("[null]")]
    [InlineData("[\"c_Mjk60X1pHCqzbznRBgwA\", null]")]
    public async Task A_null_entry_in_attachments_is_a_400_with_a_sentence(string attachments)
    {
        var visitor = await server.NewVisitor();
        var answer = await server.ClientWith(visitor.Token).PostAsync(
            $"/chats/{visitor.GroupId}",
            new StringContent($"{{\"message\":\"hi\",\"attachments\":{attachments}}}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("not a file id", JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
    }
}

/// <summary>A clientMessageId is one message's key: reused in another conversation it is a 409, never the other conversation's message.</summary>
public sealed class ClientMessageIdTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task The_same_clientMessageId_in_another_conversation_is_a_409_and_stores_nothing()
    {
        var first = await server.NewVisitor();
        var second = await server.NewVisitor();
        var agent = server.ClientWith(await server.AgentToken());
        var stored = await agent.PostAsync($"/chats/{first.GroupId}", FileLinkExpiryTests.JsonContent(new { message = "to the first", clientMessageId = "m-1" }));
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);

        var reused = await agent.PostAsync($"/chats/{second.GroupId}", FileLinkExpiryTests.JsonContent(new { message = "to the second", clientMessageId = "m-1" }));
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Contains("new clientMessageId", JsonDocument.Parse(await reused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        var history = JsonDocument.Parse(await agent.GetStringAsync($"/chats/{second.GroupId}")).RootElement.GetProperty("chats");
        Assert.DoesNotContain(history.EnumerateArray(), c => c.GetProperty("message").GetString() == "to the first");
        Assert.DoesNotContain(history.EnumerateArray(), c => c.GetProperty("message").GetString() == "to the second");

        var retried = await agent.PostAsync($"/chats/{first.GroupId}", FileLinkExpiryTests.JsonContent(new { message = "to the first", clientMessageId = "m-1" }));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }
}
