using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Data;

namespace SupportChat.Server.Tests;

/// <summary>Uploads: what the server takes, what it refuses (storing nothing), and how it serves what it took.</summary>
public sealed class FileTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    public static TheoryData<string, string, string, bool> Allowed => new()
    {
        { "png", "image/png", "shot.png", true },
        { "jpeg", "image/jpeg", "photo.jpg", true },
        { "gif", "image/gif", "anim.gif", true },
        { "webp", "image/webp", "pic.webp", true },
        { "pdf", "application/pdf", "invoice.pdf", false },
        { "text", "text/plain", "log.txt", false },
    };

    private static byte[] Sample(string kind) => kind switch
    {
        "png" => FileSamples.Png,
        "jpeg" => FileSamples.Jpeg,
        "gif" => FileSamples.Gif,
        "webp" => FileSamples.WebP,
        "pdf" => FileSamples.Pdf,
        _ => FileSamples.Text,
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public async Task Each_allowed_type_is_known_by_its_content_and_served_with_safe_headers(string kind, string type, string name, bool inline)
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        // Declared as something else entirely: the server believes the bytes.
        var uploaded = await client.PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(Sample(kind), name, "application/octet-stream"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var record = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(type, record.GetProperty("contentType").GetString());
        Assert.Equal(name, record.GetProperty("name").GetString());
        Assert.Equal(22, record.GetProperty("id").GetString()!.Length);
        var url = record.GetProperty("url").GetString()!;
        Assert.StartsWith("/files/", url);

        // No Authorization header: the signed link is the permission, as an <img src> has it.
        var served = await server.ClientWith(null).GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(type, served.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", Assert.Single(served.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("sandbox; default-src 'none'", Assert.Single(served.Headers.GetValues("Content-Security-Policy")));
        Assert.True(served.Headers.CacheControl!.Private);
        var disposition = served.Content.Headers.ContentDisposition!;
        Assert.Equal(inline ? "inline" : "attachment", disposition.DispositionType);
        Assert.Equal(name, disposition.FileNameStar);
        var bytes = await served.Content.ReadAsByteArrayAsync();
        Assert.Equal(record.GetProperty("size").GetInt64(), bytes.Length);
        // The samples carry no metadata, so they are kept byte for byte.
        Assert.Equal(Sample(kind), bytes);
    }

    public static TheoryData<string, string, string, string> Hostile => new()
    {
        { "HTML renamed .png", "page.png", "image/png", "markup" },
        { "SVG declared image/png", "logo.png", "image/png", "markup" },
        { "PNG with HTML appended", "shot.png", "image/png", "after its end" },
        { "JPEG with HTML appended", "photo.jpg", "image/jpeg", "after its end" },
        { "GIF with a zip behind it", "anim.gif", "image/gif", "after its end" },
        { "PDF with a page after %%EOF", "doc.pdf", "application/pdf", "after its end" },
        { "zero bytes", "empty.png", "image/png", "empty" },
        { "a page sent as text", "notes.txt", "text/plain", "markup" },
        { "an executable", "setup.exe", "application/octet-stream", "not one of the types" },
        { "a truncated PNG", "cut.png", "image/png", "not a complete one" },
    };

    private static byte[] HostileFile(string what) => what switch
    {
        "HTML renamed .png" => FileSamples.Html,
        "SVG declared image/png" => FileSamples.Svg,
        "PNG with HTML appended" => FileSamples.Concat(FileSamples.Png, FileSamples.Html),
        "JPEG with HTML appended" => FileSamples.Concat(FileSamples.Jpeg, FileSamples.Html),
        "GIF with a zip behind it" => FileSamples.Concat(FileSamples.Gif, [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0]),
        "PDF with a page after %%EOF" => FileSamples.Concat(FileSamples.Pdf, FileSamples.Html),
        "zero bytes" => [],
        "a page sent as text" => Encoding.UTF8.GetBytes("\n  <script>alert(1)</script>\n"),
        "an executable" => [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00],
        _ => FileSamples.Png[..40],
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_file_is_refused_with_a_sentence_and_nothing_is_stored(string what, string name, string declared, string sentence)
    {
        var visitor = await server.NewVisitor();
        var before = await StoredAsync();
        var refused = await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(HostileFile(what), name, declared));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains(sentence, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_file_of_exactly_the_limit_is_taken_and_one_byte_more_is_a_413_with_a_sentence()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var limit = 10 * 1024 * 1024;
        var atLimit = Enumerable.Repeat((byte)'a', limit).ToArray();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(atLimit, "a.txt", "text/plain"))).StatusCode);

        var before = await StoredAsync();
        var over = await client.PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form([.. atLimit, (byte)'a'], "a.txt", "text/plain"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Equal("The file is larger than 10 MB.", JsonDocument.Parse(await over.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_visitor_cannot_upload_to_another_conversation()
    {
        var owner = await server.NewVisitor();
        var intruder = await server.NewVisitor();
        var before = await StoredAsync();
        var refused = await server.ClientWith(intruder.Token).PostAsync($"/chats/{owner.GroupId}/files", FileSamples.Form(FileSamples.Png, "a.png", "image/png"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(before, await StoredAsync());

        var anonymous = await server.ClientWith(null).PostAsync($"/chats/{owner.GroupId}/files", FileSamples.Form(FileSamples.Png, "a.png", "image/png"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Image_metadata_is_dropped_and_the_picture_kept()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);

        var png = FileSamples.PngWithChunk("tEXt", Encoding.ASCII.GetBytes("Comment\0secret-probe at 51.5N 0.1W"));
        Assert.Equal(FileSamples.Png, await UploadAndReadAsync(client, visitor.GroupId, png, "a.png"));

        var exif = FileSamples.JpegWithSegment(0xE1, Encoding.ASCII.GetBytes("Exif\0\0secret-probe GPS"));
        var jpeg = FileSamples.JpegWithSegment(0xFE, Encoding.ASCII.GetBytes("secret-probe comment"));
        jpeg = FileSamples.Concat(jpeg[..2], exif[2..(exif.Length - FileSamples.Jpeg.Length + 2)], jpeg[2..]);
        Assert.Equal(FileSamples.Jpeg, await UploadAndReadAsync(client, visitor.GroupId, jpeg, "a.jpg"));

        // A phone's photo with its gain map appended as a second JPEG: the photo is kept, the rest goes.
        Assert.Equal(FileSamples.Jpeg, await UploadAndReadAsync(client, visitor.GroupId, FileSamples.Concat(FileSamples.Jpeg, FileSamples.Jpeg), "b.jpg"));

        var webp = FileSamples.WebPWithExif(Encoding.ASCII.GetBytes("secret-probe"));
        Assert.Equal(FileSamples.WebP, await UploadAndReadAsync(client, visitor.GroupId, webp, "a.webp"));

        // A private chunk a browser ignores is where a page hides in a PNG that is also an HTML file.
        var hidden = FileSamples.PngWithChunk("htMl", Encoding.ASCII.GetBytes("<html><script>alert(1)</script>"));
        Assert.Equal(FileSamples.Png, await UploadAndReadAsync(client, visitor.GroupId, hidden, "b.png"));

        byte[] comment = [0x21, 0xFE, 12, .. Encoding.ASCII.GetBytes("secret-probe"), 0x00];
        var gif = FileSamples.Concat(FileSamples.Gif[..^1], comment, [0x3B]);
        Assert.Equal(FileSamples.Gif, await UploadAndReadAsync(client, visitor.GroupId, gif, "a.gif"));
    }

    [Fact]
    public async Task The_name_is_for_display_only_and_never_reaches_the_disk()
    {
        var visitor = await server.NewVisitor();
        var response = await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files",
            FileSamples.Form(FileSamples.Png, "..\\..\\etc/evil\u202Egnp.exe\u0007", "image/png"));
        var record = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        // No path, no bidi override, no bell; and it ends as what it is, so no one's desktop opens it as a program.
        Assert.Equal("evilgnp.exe.png", record.GetProperty("name").GetString());
        var id = record.GetProperty("id").GetString()!;
        Assert.Contains(Path.Combine(FilesFolder(), id), Directory.GetFiles(FilesFolder()));
        Assert.All(Directory.GetFiles(FilesFolder()), path => Assert.Matches("^[A-Za-z0-9_-]{22}$", Path.GetFileName(path)));
    }

    [Fact]
    public async Task A_tampered_link_or_one_for_another_file_is_refused_with_a_sentence()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var first = await UploadAsync(client, visitor.GroupId, FileSamples.Png, "a.png");
        var second = await UploadAsync(client, visitor.GroupId, FileSamples.Gif, "b.gif");
        var url = first.GetProperty("url").GetString()!;
        var query = url[url.IndexOf('?')..];
        var signature = query[(query.IndexOf("sig=", StringComparison.Ordinal) + 4)..];
        var expires = long.Parse(query[(query.IndexOf("expires=", StringComparison.Ordinal) + 8)..query.IndexOf('&')]);

        var anonymous = server.ClientWith(null);
        string[] refused =
        [
            $"/files/{second.GetProperty("id").GetString()}{query}",
            url.Replace($"sig={signature}", $"sig={(signature[0] == 'A' ? 'B' : 'A')}{signature[1..]}"),
            url.Replace($"expires={expires}", $"expires={expires + 3600}"),
            url[..url.IndexOf('&')],
            url[..url.IndexOf('?')],
        ];
        foreach (var link in refused)
        {
            var answer = await anonymous.GetAsync(link);
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
            Assert.Contains("expired or not valid", JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task A_message_names_its_files_and_every_reader_gets_their_records_with_fresh_links()
    {
        var visitor = await server.NewVisitor("Fay");
        var client = server.ClientWith(visitor.Token);
        await using var agentHub = server.Hub(await server.AgentToken());
        var pushed = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        agentHub.On<JsonElement>("ReceiveMessage", message => pushed.TrySetResult(message));
        await agentHub.StartAsync();
        await agentHub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());

        var shot = await UploadAsync(client, visitor.GroupId, FileSamples.Png, "shot.png");
        var log = await UploadAsync(client, visitor.GroupId, FileSamples.Text, "log.txt");
        var ids = new[] { shot.GetProperty("id").GetString(), log.GetProperty("id").GetString() };
        // Files alone, no text.
        var sent = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "", attachments = ids, clientMessageId = "f-1" });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var chat = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("chat");
        Assert.Equal("", chat.GetProperty("message").GetString());
        AssertRecords(chat, ids);

        var push = await pushed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        AssertRecords(push, ids);
        var history = JsonDocument.Parse(await client.GetStringAsync($"/chats/{visitor.GroupId}")).RootElement.GetProperty("chats");
        var stored = Assert.Single(history.EnumerateArray());
        AssertRecords(stored, ids);
        var link = stored.GetProperty("attachments")[0].GetProperty("url").GetString()!;
        Assert.Equal(FileSamples.Png, await server.ClientWith(null).GetByteArrayAsync(link));

        static void AssertRecords(JsonElement message, string?[] ids)
        {
            var records = message.GetProperty("attachments").EnumerateArray().ToList();
            Assert.Equal(ids, records.Select(r => r.GetProperty("id").GetString()));
            Assert.Equal(["shot.png", "log.txt"], records.Select(r => r.GetProperty("name").GetString()));
            Assert.Equal(["image/png", "text/plain"], records.Select(r => r.GetProperty("contentType").GetString()));
            Assert.Equal([FileSamples.Png.Length, FileSamples.Text.Length], records.Select(r => r.GetProperty("size").GetInt32()));
            Assert.All(records, r => Assert.Contains("sig=", r.GetProperty("url").GetString()));
        }
    }

    [Fact]
    public async Task A_plain_message_carries_no_attachments()
    {
        var visitor = await server.NewVisitor();
        var sent = await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "hi" });
        var chat = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("chat");
        Assert.Equal(0, chat.GetProperty("attachments").GetArrayLength());
    }

    [Fact]
    public async Task Files_that_are_not_the_senders_to_attach_are_refused_and_no_message_is_stored()
    {
        var visitor = await server.NewVisitor();
        var other = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var agent = server.ClientWith(await server.AgentToken());
        var theirs = (await UploadAsync(server.ClientWith(other.Token), other.GroupId, FileSamples.Png, "a.png")).GetProperty("id").GetString();
        var agentsHere = (await UploadAsync(agent, visitor.GroupId, FileSamples.Png, "a.png")).GetProperty("id").GetString();
        var agentsElsewhere = (await UploadAsync(agent, other.GroupId, FileSamples.Png, "a.png")).GetProperty("id").GetString();
        var mine = (await UploadAsync(client, visitor.GroupId, FileSamples.Png, "a.png")).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "one", attachments = new[] { mine } })).StatusCode);

        object?[] refused =
        [
            new { message = "theirs", attachments = new[] { theirs } },
            new { message = "the agent's", attachments = new[] { agentsHere } },
            new { message = "attached already", attachments = new[] { mine } },
            new { message = "unknown", attachments = new[] { "AAAAAAAAAAAAAAAAAAAAAA" } },
            new { message = "not an id", attachments = new[] { "../../etc/passwd" } },
            new { message = "", attachments = Array.Empty<string>() },
        ];
        foreach (var body in refused)
        {
            var answer = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", body);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        }
        // An agent may not use their file from another conversation either.
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "x", attachments = new[] { agentsElsewhere } })).StatusCode);
        var history = JsonDocument.Parse(await client.GetStringAsync($"/chats/{visitor.GroupId}")).RootElement.GetProperty("chats");
        Assert.Equal(["one"], history.EnumerateArray().Select(c => c.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task A_retried_send_with_files_stores_one_message_and_one_set_of_files()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var id = (await UploadAsync(client, visitor.GroupId, FileSamples.Jpeg, "a.jpg")).GetProperty("id").GetString();
        var rowsBefore = (await StoredAsync()).Rows;

        var body = new { message = "see photo", attachments = new[] { id }, clientMessageId = "retry-1" };
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.PostAsJsonAsync($"/chats/{visitor.GroupId}", body)));
        var again = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", body);

        var chats = new List<JsonElement>();
        foreach (var answer in answers.Append(again))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            chats.Add(JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("chat"));
        }
        Assert.Single(chats.Select(c => c.GetProperty("id").GetInt32()).Distinct());
        Assert.All(chats, c => Assert.Equal(id, Assert.Single(c.GetProperty("attachments").EnumerateArray()).GetProperty("id").GetString()));
        var history = JsonDocument.Parse(await client.GetStringAsync($"/chats/{visitor.GroupId}")).RootElement.GetProperty("chats");
        Assert.Single(history.EnumerateArray());
        Assert.Equal(rowsBefore, (await StoredAsync()).Rows);
    }

    private static async Task<JsonElement> UploadAsync(HttpClient client, int groupId, byte[] content, string name)
    {
        var response = await client.PostAsync($"/chats/{groupId}/files", FileSamples.Form(content, name, "application/octet-stream"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private async Task<byte[]> UploadAndReadAsync(HttpClient client, int groupId, byte[] content, string name)
    {
        var record = await UploadAsync(client, groupId, content, name);
        return await server.ClientWith(null).GetByteArrayAsync(record.GetProperty("url").GetString());
    }

    private string FilesFolder() => server.Services.GetRequiredService<SupportChatOptions>().FilesPath;

    /// <summary>File rows in the database and files in the folder: a refusal changes neither.</summary>
    private async Task<(int Rows, int Files)> StoredAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<ChatDb>().Files.CountAsync();
        var files = Directory.Exists(FilesFolder()) ? Directory.GetFiles(FilesFolder()).Length : 0;
        return (rows, files);
    }
}
