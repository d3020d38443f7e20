using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace SupportChat.Server.Tests;

/// <summary>
/// Issue 12's accounts probes, each named after what the server refuses: guessing passwords, telling
/// accounts apart by time or by the register answer, huge passwords, a former agent, an expired token on
/// an open hub connection, a signing key others can read.
/// </summary>
public sealed class AccountSecurityTests : IDisposable
{
    private readonly ServerFactory parent = new();
    private readonly string folder = Directory.CreateTempSubdirectory("support-chat-accounts-").FullName;

    public void Dispose()
    {
        parent.Dispose();
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Guessing_one_accounts_password_from_one_address_is_refused_past_the_limit_even_with_the_right_one()
    {
        var server = With(("SUPPORTCHAT_SIGNIN_ACCOUNT_LIMIT", "5"), ("SUPPORTCHAT_SIGNIN_ACCOUNT_CEILING", "1000"), ("SUPPORTCHAT_SIGNIN_IP_LIMIT", "1000"));
        var attacker = From(server, "198.51.100.1");
        for (var i = 1; i <= 5; i++) Assert.Equal(HttpStatusCode.NotFound, (await Login(attacker, ServerFactory.AgentEmail, $"guess-{i}")).StatusCode);

        // Past the limit the right password is refused too, or the limit would still answer which guess was right.
        await AssertTooMany(await Login(attacker, ServerFactory.AgentEmail, ServerFactory.AgentPassword));
        Assert.Equal(HttpStatusCode.NotFound, (await Login(attacker, "somebody@example.com", "a-password")).StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_from_elsewhere_do_not_lock_the_owner_out_below_the_accounts_ceiling()
    {
        var server = With(("SUPPORTCHAT_SIGNIN_ACCOUNT_LIMIT", "5"), ("SUPPORTCHAT_SIGNIN_ACCOUNT_CEILING", "1000"), ("SUPPORTCHAT_SIGNIN_IP_LIMIT", "1000"));
        for (var ip = 1; ip <= 3; ip++)
        {
            var attacker = From(server, $"198.51.100.{ip}");
            for (var i = 1; i <= 5; i++) Assert.Equal(HttpStatusCode.NotFound, (await Login(attacker, ServerFactory.AgentEmail, $"guess-{i}")).StatusCode);
            await AssertTooMany(await Login(attacker, ServerFactory.AgentEmail, "guess-6"));
        }

        var owner = From(server, "192.0.2.10");
        Assert.Equal(HttpStatusCode.OK, (await Login(owner, ServerFactory.AgentEmail, ServerFactory.AgentPassword)).StatusCode);
    }

    [Fact]
    public async Task Guessing_one_accounts_password_from_many_addresses_is_refused_past_the_accounts_ceiling()
    {
        var server = With(("SUPPORTCHAT_SIGNIN_ACCOUNT_LIMIT", "5"), ("SUPPORTCHAT_SIGNIN_ACCOUNT_CEILING", "8"), ("SUPPORTCHAT_SIGNIN_IP_LIMIT", "1000"));
        for (var i = 1; i <= 8; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Login(From(server, $"198.51.100.{i}"), ServerFactory.AgentEmail, $"guess-{i}")).StatusCode);
        }

        await AssertTooMany(await Login(From(server, "198.51.100.99"), ServerFactory.AgentEmail, ServerFactory.AgentPassword));
        Assert.Equal(HttpStatusCode.NotFound, (await Login(From(server, "198.51.100.1"), "somebody@example.com", "a-password")).StatusCode);
    }

    [Fact]
    public async Task Right_passwords_do_not_count_against_the_account()
    {
        var server = With(("SUPPORTCHAT_SIGNIN_ACCOUNT_LIMIT", "2"), ("SUPPORTCHAT_SIGNIN_ACCOUNT_CEILING", "2"), ("SUPPORTCHAT_SIGNIN_IP_LIMIT", "1000"));
        var owner = From(server, "192.0.2.20");
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await Login(owner, ServerFactory.AgentEmail, ServerFactory.AgentPassword)).StatusCode);
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_limited_across_accounts()
    {
        var server = With(("SUPPORTCHAT_SIGNIN_IP_LIMIT", "5"), ("SUPPORTCHAT_SIGNIN_ACCOUNT_LIMIT", "1000"));
        var attacker = From(server, "203.0.113.7");
        for (var i = 1; i <= 3; i++) Assert.Equal(HttpStatusCode.NotFound, (await Login(attacker, $"user{i}@example.com", "a-password")).StatusCode);
        for (var i = 1; i <= 2; i++) Assert.Equal(HttpStatusCode.OK, (await Register(attacker, $"new{i}@example.com", "long-enough")).StatusCode);

        await AssertTooMany(await Login(attacker, "user4@example.com", "a-password"));
        await AssertTooMany(await Register(attacker, "new3@example.com", "long-enough"));
        var someoneElse = await Login(From(server, "203.0.113.8"), "user4@example.com", "a-password");
        Assert.Equal(HttpStatusCode.NotFound, someoneElse.StatusCode);
    }

    [Fact]
    public async Task Login_takes_as_long_for_an_unknown_email_as_for_a_known_one()
    {
        var client = With().CreateClient();
        // Both paths once before measuring: the first request of each compiles and opens what it needs.
        await Login(client, ServerFactory.AgentEmail, "warming-up");
        await Login(client, "warm@example.com", "warming-up");

        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 15; i++)
        {
            // Interleaved, so a burst of load on the shared machine slows both kinds alike.
            known.Add(await Timed(() => Login(client, ServerFactory.AgentEmail, $"wrong-{i}")));
            unknown.Add(await Timed(() => Login(client, $"nobody{i}@example.com", $"wrong-{i}")));
        }

        // Without a dummy hash an unknown email answers in about a fiftieth of the time.
        Assert.True(Median(unknown) >= Median(known) / 2, $"unknown email: median {Median(unknown):F1} ms; known email: {Median(known):F1} ms");
    }

    [Fact]
    public async Task Registering_a_taken_email_does_not_say_so_and_changes_nothing()
    {
        var client = With().CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await Register(client, "rita@example.com", "ritas-password")).StatusCode);

        var again = await Register(client, "Rita@Example.com", "someone-elses");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.False(body.TryGetProperty("token", out _));
        var detail = body.GetProperty("detail").GetString()!;
        foreach (var word in new[] { "already", "exist", "taken", "registered", "rita" })
        {
            Assert.DoesNotContain(word, detail, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(HttpStatusCode.OK, (await Login(client, "rita@example.com", "ritas-password")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Login(client, "rita@example.com", "someone-elses")).StatusCode);
    }

    [Fact]
    public async Task Registering_one_email_ten_times_at_once_makes_one_account_and_no_error()
    {
        var client = With().CreateClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Register(client, "sam@example.com", $"password-{i}")));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
    }

    [Theory]
    [InlineData(129)]
    [InlineData(25 * 1024 * 1024)]
    public async Task A_password_over_128_characters_is_refused_with_a_problem(int length)
    {
        var client = With().CreateClient();
        var password = new string('p', length);
        foreach (var response in new[] { await Register(client, "big@example.com", password), await Login(client, "big@example.com", password) })
        {
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"answered {response.StatusCode}");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        }
        Assert.Equal(HttpStatusCode.OK, (await Register(client, "big@example.com", new string('p', 128))).StatusCode);
    }

    [Fact]
    public async Task An_agent_no_longer_configured_is_demoted_at_start()
    {
        var database = Path.Combine(folder, "chat.db");
        string oldToken;
        string visitorToken;
        int conversation;
        using (var before = new ServerFactory())
        {
            var first = before.WithWebHostBuilder(builder => Configure(builder, ("SUPPORTCHAT_DB", database),
                ("SUPPORTCHAT_AGENT_EMAIL", "old-agent@example.com"), ("SUPPORTCHAT_AGENT_PASSWORD", "old-agent-password")));
            oldToken = await TokenOf(await Login(first.CreateClient(), "old-agent@example.com", "old-agent-password"));
            var visitor = (await (await first.CreateClient().PostAsJsonAsync("/visitors", new { name = "Vic" })).Content.ReadFromJsonAsync<VisitorAnswer>())!;
            (visitorToken, conversation) = (visitor.Token, visitor.GroupId);
            Assert.Equal(HttpStatusCode.OK, (await Bearer(first, oldToken).GetAsync($"/chats/{conversation}")).StatusCode);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        using var after = new ServerFactory();
        var second = after.WithWebHostBuilder(builder => Configure(builder, ("SUPPORTCHAT_DB", database),
            ("SUPPORTCHAT_AGENT_EMAIL", "new-agent@example.com"), ("SUPPORTCHAT_AGENT_PASSWORD", "new-agent-password")));
        Assert.Equal(HttpStatusCode.NotFound, (await Login(second.CreateClient(), "old-agent@example.com", "old-agent-password")).StatusCode);
        // A token issued before the restart still carries "agent" and is still signed by the same key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(second, oldToken).GetAsync($"/chats/{conversation}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(second, oldToken).GetAsync("/groups")).StatusCode);

        var newToken = await TokenOf(await Login(second.CreateClient(), "new-agent@example.com", "new-agent-password"));
        Assert.Equal(HttpStatusCode.OK, (await Bearer(second, newToken).GetAsync($"/chats/{conversation}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Bearer(second, visitorToken).GetAsync($"/chats/{conversation}")).StatusCode);
    }

    [Fact]
    public async Task An_expired_token_closes_the_hub_connection()
    {
        var server = With(("SUPPORTCHAT_TOKEN_SECONDS", "2"));
        var visitor = (await (await server.CreateClient().PostAsJsonAsync("/visitors", new { name = "Eve" })).Content.ReadFromJsonAsync<VisitorAnswer>())!;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Server.BaseAddress, "hubs/groupchat"), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => server.Server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(visitor.Token);
            })
            .Build();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        await hub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());
        var opened = Stopwatch.StartNew();

        // Without CloseOnAuthenticationExpiration it stays open for as long as the client likes.
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
        Assert.True(opened.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task The_generated_signing_key_is_readable_by_its_owner_alone()
    {
        var database = Path.Combine(folder, "chat.db");
        await With(("SUPPORTCHAT_DB", database)).CreateClient().PostAsJsonAsync("/visitors", new { });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database + ".jwtkey"));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_signing_key_file_readable_by_others_is_narrowed_and_kept()
    {
        var database = Path.Combine(folder, "chat.db");
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(database + ".jwtkey", key);
        File.SetUnixFileMode(database + ".jwtkey", (UnixFileMode)0b110_100_100);

        await With(("SUPPORTCHAT_DB", database)).CreateClient().PostAsJsonAsync("/visitors", new { });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database + ".jwtkey"));
        Assert.Equal(key, File.ReadAllText(database + ".jwtkey"));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_signing_key_file_readable_by_others_is_narrowed_at_start_before_any_request()
    {
        var database = Path.Combine(folder, "chat.db");
        File.WriteAllText(database + ".jwtkey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        File.SetUnixFileMode(database + ".jwtkey", (UnixFileMode)0b110_100_100);

        // Started, and asked nothing.
        Assert.NotNull(With(("SUPPORTCHAT_DB", database)).Server);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database + ".jwtkey"));
    }

    private WebApplicationFactory<Program> With(params (string Key, string Value)[] settings) =>
        parent.WithWebHostBuilder(builder => Configure(builder, settings));

    private static void Configure(IWebHostBuilder builder, params (string Key, string Value)[] settings)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>A client whose requests arrive from <paramref name="ip"/>, as Kestrel (or a trusted proxy) would report it.</summary>
    private static HttpClient From(WebApplicationFactory<Program> server, string ip) =>
        new(server.Server.CreateHandler(context => context.Connection.RemoteIpAddress = IPAddress.Parse(ip))) { BaseAddress = server.Server.BaseAddress };

    private static HttpClient Bearer(WebApplicationFactory<Program> server, string token)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Task<HttpResponseMessage> Login(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/users/login", new { email, password });

    private static Task<HttpResponseMessage> Register(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/users/register", new { name = "Someone", email, password });

    private static async Task<string> TokenOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenAnswer>())!.Token;
    }

    private static async Task AssertTooMany(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After in seconds");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Too many sign-in attempts", problem.GetProperty("detail").GetString());
    }

    private static async Task<double> Timed(Func<Task<HttpResponseMessage>> request)
    {
        var clock = Stopwatch.StartNew();
        var response = await request();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
