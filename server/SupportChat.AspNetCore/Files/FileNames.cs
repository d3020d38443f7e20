using System.Globalization;
using System.Text;

namespace SupportChat.Server.Files;

/// <summary>
/// The name an uploader gave a file, made fit to show: never used on disk or in storage, where a file is
/// known by its random id only.
/// </summary>
public static partial class FileNames
{
    [System.Text.RegularExpressions.GeneratedRegex(@"\s+")]
    private static partial System.Text.RegularExpressions.Regex Spaces();

    public const int MaxLength = 120;

    /// <summary>
    /// The last path segment, without control, format (bidi overrides, zero-width) or line-separator
    /// characters, at most <see cref="MaxLength"/> characters, and ending in an extension of the type the
    /// content turned out to be: a PNG called <c>invoice.html</c> is offered for download as
    /// <c>invoice.html.png</c>, so no operating system opens it as a page.
    /// </summary>
    public static string ForDisplay(string? uploaded, string contentType)
    {
        var name = uploaded ?? "";
        name = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var clean = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }
            clean.Append(rune.ToString());
        }
        // Runs of spaces (of any kind) read as one; dots and spaces at either end are dropped, all of them, as
        // Windows drops them at the end anyway ("a.png. . " would be saved as "a.png", yet shown otherwise).
        var display = Spaces().Replace(clean.ToString(), " ").Trim('.', ' ');
        var extensions = FileContent.Extensions(contentType);
        if (!extensions.Any(e => display.EndsWith(e, StringComparison.OrdinalIgnoreCase))) display += extensions[0];
        if (display.Length > MaxLength)
        {
            var extension = Path.GetExtension(display);
            var stem = display[..(MaxLength - extension.Length)];
            // Never cut a surrogate pair in two.
            if (char.IsHighSurrogate(stem[^1])) stem = stem[..^1];
            display = stem + extension;
        }
        return display.Length > extensions[0].Length ? display : "file" + extensions[0];
    }
}
