using System.Globalization;
using System.Text.RegularExpressions;

namespace SupportChat.Server.Availability;

/// <summary>
/// When the team works, in its own time zone: <c>"Mon-Fri 09:00-17:00; Sat 10:00-14:00"</c> (entries split
/// by <c>;</c>, days as a range or a comma list, times as 24-hour HH:mm, end after start). Empty means always.
/// Daylight saving is the zone's: 09:00 in Berlin is 08:00 UTC in summer and 09:00 UTC in winter.
/// </summary>
public sealed partial class BusinessHours
{
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private readonly List<(DayOfWeek Day, TimeOnly From, TimeOnly To)> spans;
    private readonly TimeZoneInfo zone;

    private BusinessHours(List<(DayOfWeek, TimeOnly, TimeOnly)> spans, TimeZoneInfo zone)
    {
        this.spans = spans;
        this.zone = zone;
    }

    public bool Always => spans.Count == 0;

    /// <summary>The hours, or a sentence saying what is wrong with the setting.</summary>
    public static (BusinessHours? Hours, string? Error) Parse(string hours, string timeZone)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone is { Length: > 0 } ? timeZone : "UTC", out var zone))
        {
            return (null, $"SUPPORTCHAT_TIME_ZONE \"{timeZone}\" is not an IANA time zone (such as Europe/Berlin).");
        }
        var spans = new List<(DayOfWeek, TimeOnly, TimeOnly)>();
        foreach (var entry in hours.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Entry().Match(entry);
            if (!match.Success
                || !TimeOnly.TryParseExact(match.Groups["from"].Value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                || !TimeOnly.TryParseExact(match.Groups["to"].Value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to)
                || to <= from
                || Days(match.Groups["days"].Value) is not { } days)
            {
                return (null, $"SUPPORTCHAT_HOURS entry \"{entry}\" is not like \"Mon-Fri 09:00-17:00\" (days, then a start before an end).");
            }
            spans.AddRange(days.Select(d => (d, from, to)));
        }
        return (new BusinessHours(spans, zone), null);
    }

    /// <summary>Whether <paramref name="now"/> is within the hours.</summary>
    public bool IsOpen(DateTimeOffset now)
    {
        if (Always) return true;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return spans.Any(s => s.Day == local.DayOfWeek && time >= s.From && time < s.To);
    }

    /// <summary>The next moment the hours open after <paramref name="now"/> (UTC), or null when always open.</summary>
    public DateTimeOffset? NextOpening(DateTimeOffset now) => NextEdge(now, opening: true);

    /// <summary>The next moment the hours open or close after <paramref name="now"/>: when availability may change by itself.</summary>
    public DateTimeOffset? NextChange(DateTimeOffset now)
    {
        var open = NextEdge(now, opening: true);
        var close = NextEdge(now, opening: false);
        return open is null ? close : close is null ? open : open < close ? open : close;
    }

    private DateTimeOffset? NextEdge(DateTimeOffset now, bool opening)
    {
        if (Always) return null;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        // Eight days: the same weekday next week is the farthest an edge can be.
        for (var offset = 0; offset <= 8; offset++)
        {
            var day = today.AddDays(offset);
            var edges = spans.Where(s => s.Day == day.DayOfWeek)
                .Select(s => Utc(day.ToDateTime(opening ? s.From : s.To)))
                .Where(t => t > now)
                .Order()
                .ToList();
            if (edges.Count > 0) return edges[0];
        }
        return null;
    }

    /// <summary>A wall-clock time in the zone as UTC; a time skipped by a clock change is taken an hour later.</summary>
    private DateTimeOffset Utc(DateTime local)
    {
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static List<DayOfWeek>? Days(string text)
    {
        var days = new List<DayOfWeek>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length > 2 || ends.Select(Day).Any(d => d is null)) return null;
            var first = (int)Day(ends[0])!;
            var last = (int)Day(ends[^1])!;
            // Fri-Mon wraps over the weekend.
            for (var d = first; ; d = (d + 1) % 7)
            {
                days.Add((DayOfWeek)d);
                if (d == last) break;
            }
        }
        return days;
    }

    private static DayOfWeek? Day(string name) =>
        Array.FindIndex(DayNames, n => n.Equals(name, StringComparison.OrdinalIgnoreCase)) is var i and >= 0 ? (DayOfWeek)i : null;

    [GeneratedRegex(@"^(?<days>[A-Za-z,\- ]+?)\s+(?<from>\d\d:\d\d)\s*-\s*(?<to>\d\d:\d\d)$")]
    private static partial Regex Entry();
}
