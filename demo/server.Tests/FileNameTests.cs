using SupportChat.Server.Files;

namespace SupportChat.Server.Tests;

/// <summary>The uploader's file name, made fit to show: it never names anything on disk, so only display matters.</summary>
public sealed class FileNameTests
{
    [Theory]
    [InlineData("report.pdf", "application/pdf", "report.pdf")]
    [InlineData("C:\\Users\\ann\\Desktop\\shot.PNG", "image/png", "shot.PNG")]
    [InlineData("../../etc/passwd", "text/plain", "passwd.txt")]
    [InlineData("invoice\u202Efdp.exe", "application/pdf", "invoicefdp.exe.pdf")]
    [InlineData("\u2067photo\u2069\u200B.jpg", "image/jpeg", "photo.jpg")]
    [InlineData("line\r\nbreak.txt", "text/plain", "linebreak.txt")]
    [InlineData("page.html", "image/png", "page.html.png")]
    [InlineData("", "image/gif", "file.gif")]
    [InlineData(null, "image/webp", "file.webp")]
    [InlineData("...", "text/plain", "file.txt")]
    [InlineData("order-export.csv", "text/plain", "order-export.csv.txt")]
    [InlineData("notes.md", "text/plain", "notes.md.txt")]
    public void A_name_loses_its_path_and_invisible_characters_and_ends_as_what_the_file_is(string? uploaded, string type, string shown) =>
        Assert.Equal(shown, FileNames.ForDisplay(uploaded, type));

    [Fact]
    public void A_long_name_is_cut_before_its_extension_and_never_inside_a_character()
    {
        var name = FileNames.ForDisplay(new string('a', 111) + "😀😀😀😀😀.png", "image/png");
        Assert.Equal(FileNames.MaxLength - 1, name.Length);
        Assert.EndsWith("😀😀.png", name);
        Assert.DoesNotContain(System.Text.Rune.ReplacementChar, name.EnumerateRunes());
    }
}
