using System.Text.RegularExpressions;
using Group = SupportChat.Server.Data.Group;

namespace SupportChat.Server.Visitors;

/// <summary>
/// What a visitor's widget says about where they are, kept with their conversation for the agents' list. It
/// is the visitor's word, so each value is checked for its shape and capped, and shown only as text. A value
/// of the wrong shape is left out rather than refused: a page with an odd address must not keep its visitor
/// from reaching support.
/// </summary>
public static partial class VisitorContext
{
    public static void Apply(Group group, VisitorRequest? body)
    {
        if (body is null) return;
        if (Page(body.PageUrl) is { } page) group.PageUrl = page;
        if (Zone(body.TimeZone) is { } zone) group.VisitorTimeZone = zone;
        if (Language(body.Language) is { } language) group.VisitorLanguage = language;
    }

    /// <summary>The origin and path only: a query string or fragment may carry someone's token or order number.</summary>
    private static string? Page(string? url)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
        // Nor a user and password in the address (https://user:secret@host/): the same goes for them.
        var page = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return page.Length <= Group.MaxPageUrl ? page : page[..Group.MaxPageUrl];
    }

    /// <summary>
    /// An IANA name such as America/Argentina/Buenos_Aires. Its shape is checked first: on Linux the lookup
    /// reads a file under the zone folder, and a path ("/etc/localtime", "Europe/../…") would find one too.
    /// </summary>
    private static string? Zone(string? zone) =>
        zone is { Length: > 0 and <= Group.MaxTimeZone } && ZoneName().IsMatch(zone) && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found) && found.HasIanaId ? found.Id : null;

    private static string? Language(string? tag) =>
        tag is { Length: > 0 and <= Group.MaxLanguage } && LanguageTag().IsMatch(tag) ? tag : null;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")]
    private static partial Regex ZoneName();

    [GeneratedRegex("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();
}
