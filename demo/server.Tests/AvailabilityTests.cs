using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SupportChat.Server.Auth;
using SupportChat.Server.Availability;

namespace SupportChat.Server.Tests;

/// <summary>Business hours in their own time zone, daylight saving included.</summary>
public sealed class BusinessHoursTests
{
    private static BusinessHours Berlin(string hours = "Mon-Fri 09:00-17:00")
    {
        var (parsed, error) = BusinessHours.Parse(hours, "Europe/Berlin");
        Assert.Null(error);
        return parsed!;
    }

    [Fact]
    public void Hours_are_the_zones_wall_clock_in_winter_and_in_summer()
    {
        // Monday 30 November 2026: Berlin is UTC+1; Monday 6 July 2026: UTC+2.
        Assert.True(Berlin().IsOpen(DateTimeOffset.Parse("2026-11-30T08:00:00Z")));
        Assert.False(Berlin().IsOpen(DateTimeOffset.Parse("2026-11-30T07:59:00Z")));
        Assert.True(Berlin().IsOpen(DateTimeOffset.Parse("2026-07-06T07:00:00Z")));
        Assert.False(Berlin().IsOpen(DateTimeOffset.Parse("2026-07-06T15:00:00Z")));
    }

    [Fact]
    public void After_fridays_close_the_next_opening_is_monday_morning_in_utc()
    {
        var friday = DateTimeOffset.Parse("2026-12-04T16:30:00Z"); // 17:30 in Berlin
        Assert.False(Berlin().IsOpen(friday));
        Assert.Equal(DateTimeOffset.Parse("2026-12-07T08:00:00Z"), Berlin().NextOpening(friday));
        Assert.Equal(DateTimeOffset.Parse("2026-12-07T08:00:00Z"), Berlin().NextChange(friday));
        Assert.Equal(DateTimeOffset.Parse("2026-12-04T16:00:00Z"), Berlin().NextChange(DateTimeOffset.Parse("2026-12-04T10:00:00Z")));
    }

    [Fact]
    public void Several_entries_day_lists_and_ranges_over_the_weekend_are_read()
    {
        var hours = Berlin("Fri-Mon 10:00-12:00; Wed 14:00-15:00");
        Assert.True(hours.IsOpen(DateTimeOffset.Parse("2026-12-06T10:00:00Z"))); // Sunday 11:00
        Assert.False(hours.IsOpen(DateTimeOffset.Parse("2026-12-08T10:00:00Z"))); // Tuesday
        Assert.True(hours.IsOpen(DateTimeOffset.Parse("2026-12-09T13:30:00Z"))); // Wednesday 14:30
        Assert.True(BusinessHours.Parse("", "").Hours!.Always);
    }

    [Theory]
    [InlineData("Mon-Fri 9-17", "Europe/Berlin", "SUPPORTCHAT_HOURS")]
    [InlineData("Mon-Fri 17:00-09:00", "Europe/Berlin", "SUPPORTCHAT_HOURS")]
    [InlineData("Mon-Fry 09:00-17:00", "Europe/Berlin", "SUPPORTCHAT_HOURS")]
    [InlineData("Mon-Fri 09:00-17:00", "Europe/Nowhere", "SUPPORTCHAT_TIME_ZONE")]
    public void A_bad_setting_stops_the_start_with_a_sentence_naming_it(string hours, string zone, string named)
    {
        var options = new SupportChatOptions { Demo = true, Hours = hours, TimeZone = zone };
        var refusal = StartupChecks.Refusal(options);
        Assert.NotNull(refusal);
        Assert.Contains(named, refusal);
        Assert.EndsWith(".", refusal);
    }
}

/// <summary>Availability over the wire, always within hours: agents' consoles and away decide.</summary>
public sealed class AvailabilityTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Visitors_who_watch_hear_when_a_console_opens_goes_away_comes_back_and_closes()
    {
        var visitor = await server.NewVisitor();
        await using var visitorHub = server.Hub(visitor.Token);
        var heard = Channel.CreateUnbounded<JsonElement>();
        visitorHub.On<JsonElement>("Availability", a => heard.Writer.TryWrite(a));
        await visitorHub.StartAsync();
        var now = await visitorHub.InvokeAsync<JsonElement>("WatchAvailability");
        Assert.False(now.GetProperty("online").GetBoolean());
        Assert.Equal(JsonValueKind.Null, now.GetProperty("nextOpenAt").ValueKind);

        var console = server.Hub(await server.AgentToken());
        await console.StartAsync();
        Assert.True((await heard.Reader.ReadAsync().AsTask().WaitAsync(Wait)).GetProperty("online").GetBoolean());
        var state = JsonDocument.Parse(await server.ClientWith(visitor.Token).GetStringAsync($"/chats/{visitor.GroupId}/state")).RootElement;
        Assert.True(state.GetProperty("availability").GetProperty("online").GetBoolean());

        await console.InvokeAsync("SetAway", true);
        Assert.False((await heard.Reader.ReadAsync().AsTask().WaitAsync(Wait)).GetProperty("online").GetBoolean());
        await console.InvokeAsync("SetAway", false);
        Assert.True((await heard.Reader.ReadAsync().AsTask().WaitAsync(Wait)).GetProperty("online").GetBoolean());
        await console.DisposeAsync();
        Assert.False((await heard.Reader.ReadAsync().AsTask().WaitAsync(Wait)).GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task Only_agents_set_themselves_away()
    {
        var visitor = await server.NewVisitor();
        await using var hub = server.Hub(visitor.Token);
        await hub.StartAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("SetAway", true));
        Assert.Contains("Only agents may set themselves away.", error.Message);
    }
}

/// <summary>Hours that are closed now (one hour, two days ahead, in UTC).</summary>
public sealed class ClosedHoursServer : ServerFactory
{
    public static readonly DateTimeOffset Opens = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(2).AddHours(10);

    protected override IEnumerable<(string Key, string Value)> Settings =>
        [("SUPPORTCHAT_HOURS", $"{Opens.DayOfWeek.ToString()[..3]} 10:00-11:00"), ("SUPPORTCHAT_TIME_ZONE", "UTC")];
}

public sealed class ClosedHoursTests(ClosedHoursServer server) : IClassFixture<ClosedHoursServer>
{
    [Fact]
    public async Task Outside_the_hours_nobody_is_there_even_with_a_console_open_and_visitors_learn_when_they_open()
    {
        await using var console = server.Hub(await server.AgentToken());
        await console.StartAsync();
        var visitor = await server.NewVisitor();
        await using var hub = server.Hub(visitor.Token);
        await hub.StartAsync();
        var now = await hub.InvokeAsync<JsonElement>("WatchAvailability");
        Assert.False(now.GetProperty("online").GetBoolean());
        Assert.Equal(ClosedHoursServer.Opens, now.GetProperty("nextOpenAt").GetDateTimeOffset());
        Assert.EndsWith("Z", now.GetProperty("nextOpenAt").GetString());
        var state = JsonDocument.Parse(await server.ClientWith(visitor.Token).GetStringAsync($"/chats/{visitor.GroupId}/state")).RootElement;
        Assert.Equal(ClosedHoursServer.Opens, state.GetProperty("availability").GetProperty("nextOpenAt").GetDateTimeOffset());
    }
}
