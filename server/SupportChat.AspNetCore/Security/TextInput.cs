using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportChat.Server.Security;

/// <summary>
/// What text the server takes in a JSON body: no C0 control characters but line breaks and tabs. A NUL
/// is refused by PostgreSQL (and only there), and the others have no place in a name or a message, so
/// every string is checked as it is read, the same on every provider: one check for every endpoint,
/// answered as a 400 problem that names the field (<see cref="ApiProblems"/>).
/// </summary>
public static class TextInput
{
    public static IServiceCollection AddTextInputChecks(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new ControlCharacterGuard()));

    /// <summary>The first control character not allowed in text, or null.</summary>
    public static char? ForbiddenControl(string text)
    {
        foreach (var c in text)
        {
            if (c < ' ' && c is not '\n' and not '\r' and not '\t') return c;
        }
        return null;
    }

    /// <summary>
    /// The explicit bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). One left open
    /// reorders whatever a page shows after it on the same line ("Eve \u202Egnp.exe" reads as "Eve exe.png");
    /// right-to-left text needs none of them, and the plain marks (U+200E, U+200F) stay allowed.
    /// </summary>
    public static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>The first character that has no place in free text shown to someone else: a C1 control, DEL, or a bidi control.</summary>
    public static char? ForbiddenInText(string text)
    {
        foreach (var c in text)
        {
            if (IsBidiControl(c) || (char.IsControl(c) && c is not '\n' and not '\r' and not '\t')) return c;
        }
        return null;
    }

    /// <summary>
    /// A label for one line of someone else's screen (a name): controls and bidi controls left out, every run of
    /// whitespace one space, capped at <paramref name="max"/> characters without splitting one; null when nothing is left.
    /// </summary>
    public static string? OneLine(string? text, int max)
    {
        if (text is null) return null;
        var line = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (IsBidiControl(c) || (char.IsControl(c) && !char.IsWhiteSpace(c))) continue;
            if (char.IsWhiteSpace(c))
            {
                if (line.Length > 0 && line[^1] != ' ') line.Append(' ');
                continue;
            }
            line.Append(c);
        }
        var clean = line.ToString().Trim();
        if (clean.Length > max) clean = clean[..(char.IsHighSurrogate(clean[max - 1]) ? max - 1 : max)].TrimEnd();
        return clean.Length == 0 || IsBlank(clean) ? null : clean;
    }

    /// <summary>
    /// Nothing a reader would see: whitespace, and the invisible characters <c>Trim</c> leaves (zero-width
    /// spaces and joiners, word joiner, byte-order mark, and the "blank" letters such as the Hangul filler).
    /// </summary>
    public static bool IsBlank(string text)
    {
        foreach (var c in text)
        {
            var invisible = char.IsWhiteSpace(c)
                || char.GetUnicodeCategory(c) == UnicodeCategory.Format
                || c is '\u2800' or '\u3164' or '\u115F' or '\u1160' or '\uFFA0';
            if (!invisible) return false;
        }
        return true;
    }

    /// <summary>Refuses a string with a forbidden control character while the body is read.</summary>
    private sealed class ControlCharacterGuard : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            if (text is not null && ForbiddenControl(text) is { } control) throw new ControlCharacterException(control);
            return text;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}

/// <summary>A string in a body held a control character: a 400 that says which and where (its <c>Path</c>, set by the reader).</summary>
public sealed class ControlCharacterException(char control)
    : JsonException($"The text contains a control character (U+{(int)control:X4}); only line breaks and tabs are allowed.");
