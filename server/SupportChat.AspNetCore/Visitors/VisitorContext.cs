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
        var page = uri.GetLeftPart(UriPartial.Path);
        return page.Length <= Group.MaxPageUrl ? page : page[..Group.MaxPageUrl];
    }

    private static string? Zone(string? zone) =>
        zone is { Length: > 0 and <= Group.MaxTimeZone } && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found) && found.HasIanaId ? found.Id : null;

    private static string? Language(string? tag) =>
        tag is { Length: > 0 and <= Group.MaxLanguage } && LanguageTag().IsMatch(tag) ? tag : null;

    [GeneratedRegex("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();
}
