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
