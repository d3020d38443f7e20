using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Availability;
using SupportChat.Server.Data;

namespace SupportChat.Server.Tests;

/// <summary>
/// A clock that moves only when the test moves it, and then runs the timers that fell due (a periodic one
/// once per move): heartbeats and expiries happen when the test says, never after a sleep.
/// </summary>
public sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private readonly List<SteppedTimer> timers = [];
    private DateTimeOffset now = start;

    /// <summary>How many one-shot timers were made: a business-hours edge re-arms one when its work is done.</summary>
    public int OneShots { get; private set; }

    public override DateTimeOffset GetUtcNow()
    {
        lock (timers) return now;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SteppedTimer(this, callback, state);
        lock (timers)
        {
            if (period == Timeout.InfiniteTimeSpan) OneShots++;
            timers.Add(timer);
        }
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        List<SteppedTimer> due;
        lock (timers)
        {
            now += by;
            due = timers.Where(t => t.DueAt <= now).ToList();
            foreach (var timer in due) timer.DueAt = timer.Period == Timeout.InfiniteTimeSpan ? null : now + timer.Period;
        }
        foreach (var timer in due) timer.Fire();
    }

    private sealed class SteppedTimer(SteppedClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }
        public TimeSpan Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock.timers)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock.now + dueTime;
                Period = period;
            }
            return true;
        }

        public void Dispose()
        {
            lock (clock.timers) clock.timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// A Redis and a PostgreSQL of the test's own on free ports of 127.0.0.1 (as <c>scripts/services.mjs</c> starts
/// them for the e2e scale-out tests), and a folder for SQLite files: a fresh database per test, of either kind.
/// </summary>
public sealed class Backplane : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("support-chat-scale-").FullName;
    private readonly List<Process> services = [];
    private int postgresPort;

    public string Redis { get; private set; } = "";

    /// <summary>The settings for a fresh database that two instances share.</summary>
    public (string Key, string Value) NewDatabase(string kind) => kind == "postgres"
        ? ("SUPPORTCHAT_POSTGRES", $"Host=127.0.0.1;Port={postgresPort};Username=postgres;Database=t{Guid.NewGuid():N}")
        : ("SUPPORTCHAT_DB", Path.Combine(folder, $"{Guid.NewGuid():N}.db"));

    public async Task InitializeAsync()
    {
        var redisPort = FreePort();
        await Run("redis-server", "redis-server", redisPort, "--port", $"{redisPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder, "--logfile", "redis.log");
        Redis = $"127.0.0.1:{redisPort}";

        var bin = (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Order().LastOrDefault() : null)
            ?? throw new InvalidOperationException("Missing for the scale-out tests: PostgreSQL. Install it with: sudo apt-get install postgresql");
        var data = Path.Combine(folder, "pg");
        // PostgreSQL refuses to run as root: as root, it runs as its own user, in a folder that user owns.
        var asRoot = Environment.UserName == "root";
        if (asRoot) await Process.Start("chown", ["-R", "postgres:postgres", folder]).WaitForExitAsync();
        var initdb = Start(Path.Combine(bin, "bin", "initdb"), asRoot, "-D", data, "--auth=trust", "--username=postgres", "--no-sync");
        await initdb.WaitForExitAsync();
        Assert.Equal(0, initdb.ExitCode);
        postgresPort = FreePort();
        await Run(
            Path.Combine(bin, "bin", "postgres"), "postgresql", postgresPort, asRoot,
            "-D", data, "-p", $"{postgresPort}", "-k", folder, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Process Start(string program, bool asPostgres, params string[] args)
    {
        var info = asPostgres ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. args]) : new ProcessStartInfo(program, args);
        // Their logs are not the test's: read and dropped, so a full pipe never stalls them.
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private Task Run(string program, string package, int port, params string[] args) => Run(program, package, port, false, args);

    /// <summary>Starts a service and waits until its port answers; a missing one is named, with how to get it.</summary>
    private async Task Run(string program, string package, int port, bool asPostgres, params string[] args)
    {
        if (!asPostgres && !File.Exists(program) && !Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, program))))
        {
            throw new InvalidOperationException($"Missing for the scale-out tests: {program}. Install it with: sudo apt-get install {package}");
        }
        services.Add(Start(program, asPostgres, args));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20, deadline.Token);
            }
        }
    }

    public async Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
        // PostgreSQL's fast shutdown (SIGINT) to the server itself, not to runuser, which would not wait for it.
        var postmaster = Path.Combine(folder, "pg", "postmaster.pid");
        if (File.Exists(postmaster)) await Process.Start("kill", ["-INT", File.ReadLines(postmaster).First()]).WaitForExitAsync();
        foreach (var service in services)
        {
            if (!service.HasExited) service.Kill();
            await service.WaitForExitAsync();
            service.Dispose();
        }
        Directory.Delete(folder, recursive: true);
    }
}

/// <summary>One of several reference-server instances on one database and one Redis, each on its own stepped clock.</summary>
public sealed class Instance(string redis, DateTimeOffset start, params (string Key, string Value)[] more) : ServerFactory
{
    public SteppedClock Clock { get; } = new(start);

    protected override IEnumerable<(string Key, string Value)> Settings => [("SUPPORTCHAT_REDIS", redis), .. more];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public string InstanceId => Services.GetRequiredService<TeamAvailability>().InstanceId;

    /// <summary>When this instance last refreshed its consoles' rows, as the database says.</summary>
    public async Task<DateTime?> LastHeartbeat()
    {
        await using var scope = Services.CreateAsyncScope();
        var id = InstanceId;
        return await scope.ServiceProvider.GetRequiredService<ChatDb>().Presence.Where(p => p.InstanceId == id).MaxAsync(p => (DateTime?)p.LastSeen);
    }
}

/// <summary>
/// Availability with two instances behind the Redis backplane, sharing one database: an agent's console on A,
/// a visitor watching on B.
/// </summary>
public sealed class ScaleOutAvailabilityTests(Backplane backplane) : IClassFixture<Backplane>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Two instances started one after the other (the first migrates the database and writes the key).</summary>
    private (Instance A, Instance B) TwoInstances(string database, params (string Key, string Value)[] settings)
    {
        // One key for both: the one a lone server makes beside its SQLite file is not shared through PostgreSQL.
        settings = [backplane.NewDatabase(database), ("SUPPORTCHAT_JWT_KEY", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))), .. settings];
        var start = DateTimeOffset.UtcNow;
        var a = new Instance(backplane.Redis, start, settings);
        _ = a.Server;
        var b = new Instance(backplane.Redis, start, settings);
        _ = b.Server;
        return (a, b);
    }

    private static async Task<(HubConnection Hub, ChannelReader<JsonElement> Heard, JsonElement Now, VisitorAnswer Visitor)> Watching(Instance server)
    {
        var visitor = await server.NewVisitor();
        var hub = server.Hub(visitor.Token);
        var heard = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("Availability", a => heard.Writer.TryWrite(a));
        await hub.StartAsync();
        return (hub, heard.Reader, await hub.InvokeAsync<JsonElement>("WatchAvailability"), visitor);
    }

    private static async Task<bool> OnlineOn(Instance server, VisitorAnswer visitor)
    {
        var state = JsonDocument.Parse(await server.ClientWith(visitor.Token).GetStringAsync($"/chats/{visitor.GroupId}/state")).RootElement;
        return state.GetProperty("availability").GetProperty("online").GetBoolean();
    }

    private static async Task<bool> Next(ChannelReader<JsonElement> heard) =>
        (await heard.ReadAsync().AsTask().WaitAsync(Wait)).GetProperty("online").GetBoolean();

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(Wait);
        while (!await condition()) await Task.Delay(20, deadline.Token);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_visitor_on_one_instance_sees_an_agent_on_the_other_online_away_and_back_and_heartbeats_keep_them_past_the_expiry(string database)
    {
        var (a, b) = TwoInstances(database);
        await using var _a = a;
        await using var _b = b;
        var (visitorHub, heard, now, visitor) = await Watching(b);
        await using var _v = visitorHub;
        Assert.False(now.GetProperty("online").GetBoolean());

        await using var console = a.Hub(await a.AgentToken());
        await console.StartAsync();
        Assert.True(await Next(heard));
        Assert.True(await OnlineOn(b, visitor));
        Assert.True((await visitorHub.InvokeAsync<JsonElement>("WatchAvailability")).GetProperty("online").GetBoolean());

        // Four heartbeats, forty seconds: past the expiry, the console still counts because A keeps saying so.
        for (var beat = 0; beat < 4; beat++)
        {
            a.Clock.Advance(TeamAvailability.Heartbeat);
            b.Clock.Advance(TeamAvailability.Heartbeat);
            // PostgreSQL keeps microseconds.
            var at = a.Clock.GetUtcNow().UtcDateTime.AddTicks(-10);
            await WaitUntil(async () => await a.LastHeartbeat() >= at);
        }
        Assert.True(4 * TeamAvailability.Heartbeat > TeamAvailability.Expiry);
        Assert.True(await OnlineOn(b, visitor));

        await console.InvokeAsync("SetAway", true);
        Assert.False(await Next(heard));
        Assert.False(await OnlineOn(b, visitor));
        await console.InvokeAsync("SetAway", false);
        Assert.True(await Next(heard));
        Assert.True(await OnlineOn(b, visitor));

        // Each change was heard once: the online after "back" is the last thing said.
        Assert.False(heard.TryRead(out var more), $"Heard once more: {more}");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Away_set_on_one_instance_holds_for_the_agents_console_on_the_other(string database)
    {
        var (a, b) = TwoInstances(database);
        await using var _a = a;
        await using var _b = b;
        var (visitorHub, heard, _, visitor) = await Watching(b);
        await using var _v = visitorHub;
        var token = await a.AgentToken();
        await using var onA = a.Hub(token);
        await using var onB = b.Hub(token);
        await onA.StartAsync();
        Assert.True(await Next(heard));
        await onB.StartAsync();

        await onB.InvokeAsync("SetAway", true);
        Assert.False(await Next(heard));
        Assert.False(await OnlineOn(a, visitor));
        Assert.False(await OnlineOn(b, visitor));
        Assert.False(heard.TryRead(out var more), $"Heard once more: {more}");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task An_instance_that_stops_takes_its_consoles_with_it_at_once(string database)
    {
        var (a, b) = TwoInstances(database);
        await using var _b = b;
        var (visitorHub, heard, _, visitor) = await Watching(b);
        await using var _v = visitorHub;
        var console = a.Hub(await a.AgentToken());
        await console.StartAsync();
        Assert.True(await Next(heard));
        Assert.True(await OnlineOn(b, visitor));

        await a.DisposeAsync();
        Assert.False(await Next(heard));
        Assert.False(await OnlineOn(b, visitor));
        await console.DisposeAsync();
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task An_instance_that_dies_without_a_word_loses_its_consoles_within_the_expiry(string database)
    {
        var (a, b) = TwoInstances(database);
        await using var _a = a;
        await using var _b = b;
        var (visitorHub, heard, _, visitor) = await Watching(b);
        await using var _v = visitorHub;
        await using var console = a.Hub(await a.AgentToken());
        await console.StartAsync();
        Assert.True(await Next(heard));

        // A is gone as far as anyone can tell: its clock stands still, so its heartbeat never comes, and it says nothing.
        b.Clock.Advance(TeamAvailability.Heartbeat);
        b.Clock.Advance(TeamAvailability.Heartbeat);
        Assert.True(await OnlineOn(b, visitor));
        Assert.False(heard.TryRead(out var early), $"Heard before the expiry: {early}");
        // The third beat of B is the expiry since A's console last counted.
        b.Clock.Advance(TeamAvailability.Heartbeat);
        Assert.Equal(TeamAvailability.Expiry, b.Clock.GetUtcNow() - a.Clock.GetUtcNow());
        Assert.False(await Next(heard));
        Assert.False(await OnlineOn(b, visitor));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task When_the_hours_open_watchers_on_every_instance_hear_it_once(string database)
    {
        // Hours that open a few minutes from now (UTC) for half an hour; past 23:00, at midnight.
        var start = DateTimeOffset.UtcNow;
        var opens = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero).AddMinutes(3);
        if (opens.Hour == 23) opens = new DateTimeOffset(opens.Date.AddDays(1), TimeSpan.Zero);
        var hours = $"{opens.DayOfWeek.ToString()[..3]} {opens:HH:mm}-{opens.AddMinutes(30):HH:mm}";
        var (a, b) = TwoInstances(database, ("SUPPORTCHAT_HOURS", hours), ("SUPPORTCHAT_TIME_ZONE", "UTC"));
        await using var _a = a;
        await using var _b = b;
        var (onA, heardOnA, _, _) = await Watching(a);
        await using var _va = onA;
        var (onB, heardOnB, now, _) = await Watching(b);
        await using var _vb = onB;
        Assert.Equal(opens, now.GetProperty("nextOpenAt").GetDateTimeOffset());

        // Signed in before the clock jumps minutes ahead, as the token's checks are on the system's clock.
        var token = await a.AgentToken();
        var (armedA, armedB) = (a.Clock.OneShots, b.Clock.OneShots);
        var by = opens - a.Clock.GetUtcNow() + TimeSpan.FromSeconds(1);
        a.Clock.Advance(by);
        b.Clock.Advance(by);
        foreach (var heard in new[] { heardOnA, heardOnB })
        {
            var open = await heard.ReadAsync().AsTask().WaitAsync(Wait);
            Assert.False(open.GetProperty("online").GetBoolean());
            Assert.Equal(JsonValueKind.Null, open.GetProperty("nextOpenAt").ValueKind);
        }
        // Both instances are done with the edge (each arms the next one last), so any second push is out already.
        await WaitUntil(() => Task.FromResult(a.Clock.OneShots > armedA && b.Clock.OneShots > armedB));

        await using var console = a.Hub(token);
        await console.StartAsync();
        Assert.True(await Next(heardOnA));
        Assert.True(await Next(heardOnB));
        Assert.False(heardOnA.TryRead(out var moreOnA), $"Heard once more on A: {moreOnA}");
        Assert.False(heardOnB.TryRead(out var moreOnB), $"Heard once more on B: {moreOnB}");
    }
}
