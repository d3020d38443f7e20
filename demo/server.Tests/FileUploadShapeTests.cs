using System.Net;
using System.Text;
using System.Text.Json;
using SupportChat.Server.Files;

namespace SupportChat.Server.Tests;

/// <summary>The smaller edges of an upload: how many file parts, how large the rest, text that quotes markup, HEAD, names.</summary>
public sealed class FileUploadShapeTests(FileUploadShapeTests.Server server) : IClassFixture<FileUploadShapeTests.Server>
{
    public sealed class Server : ServerFactory
    {
        protected override IEnumerable<(string Key, string Value)> Settings => [("SUPPORTCHAT_MAX_FILE_BYTES", "1000"), ("SUPPORTCHAT_UPLOAD_LIMIT", "1000")];
    }

    private static async Task<string> DetailOf(HttpResponseMessage answer) =>
        JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;

    [Fact]
    public async Task Two_file_parts_are_a_400_and_nothing_is_stored()
    {
        var visitor = await server.NewVisitor();
        var form = FileSamples.Form(FileSamples.Png, "a.png", "image/png");
        form.Add(new ByteArrayContent(FileSamples.Gif), "file", "b.gif");
        var refused = await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files", form);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("one file per upload", await DetailOf(refused));
    }

    [Fact]
    public async Task A_field_larger_than_the_limit_beside_a_small_file_is_a_413_about_the_upload()
    {
        var visitor = await server.NewVisitor();
        var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[1001]), "junk" } };
        form.Add(new ByteArrayContent(Encoding.ASCII.GetBytes("hi")), "file", "a.txt");
        var refused = await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("The upload is larger than 1,000 bytes.", await DetailOf(refused));
    }

    [Theory]
    [InlineData("<3 thanks, that fixed it\n")]
    [InlineData("console: <img src=x onerror=alert(1)> was in the page\n")]
    [InlineData("<div class=\"cart\"> is where it breaks\n")]
    public async Task Text_that_quotes_markup_is_taken_and_served_as_plain_text(string text)
    {
        var visitor = await server.NewVisitor();
        var uploaded = await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(Encoding.UTF8.GetBytes(text), "notes.txt", "text/plain"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var served = await server.ClientWith(null).GetAsync(JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("url").GetString());
        Assert.Equal("text/plain; charset=utf-8", served.Content.Headers.ContentType!.ToString());
        Assert.Equal("attachment", served.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(text, await served.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HEAD_on_a_file_link_answers_its_headers_without_the_bytes()
    {
        var visitor = await server.NewVisitor();
        var uploaded = await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(FileSamples.Png, "a.png", "image/png"));
        var url = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("url").GetString();
        var head = await server.ClientWith(null).SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("image/png", head.Content.Headers.ContentType!.MediaType);
        Assert.Equal(FileSamples.Png.Length, head.Content.Headers.ContentLength);
        Assert.Equal("nosniff", Assert.Single(head.Headers.GetValues("X-Content-Type-Options")));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("a.png. . ", "a.png")]
    [InlineData("my    holiday \u00A0\u2003 photo.png", "my holiday photo.png")]
    [InlineData("say \"cheese\".png", "say \"cheese\".png")]
    public void Trailing_dots_and_spaces_go_runs_of_spaces_read_as_one_and_a_quote_is_a_character(string uploaded, string shown) =>
        Assert.Equal(shown, FileNames.ForDisplay(uploaded, FileContent.Png));
}
