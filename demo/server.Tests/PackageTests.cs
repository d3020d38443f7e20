using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SupportChat.Server.Data;
using SupportChat.Server.Users;

namespace SupportChat.Server.Tests;

/// <summary>
/// <c>AddSupportChat()</c> and <c>MapSupportChat()</c> in an app that is not the reference server: with its
/// own sign-in as the default scheme, its own <c>DbContext</c> holding the chat beside its own tables, and
/// settings given in code.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("support-chat-package-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    public sealed class Order
    {
        public int Id { get; set; }
    }

    /// <summary>The shop's own context: its orders, and the chat's tables from <see cref="ChatDb"/>.</summary>
    public sealed class ShopDb(DbContextOptions<ShopDb> options) : ChatDb(options)
    {
        public DbSet<Order> Orders => Set<Order>();
    }

    private const string AKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    private WebApplication Shop(string? agentPassword, int sendLimit = 20, string? jwtKey = AKey)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAuthorization();
        builder.Services.AddDbContext<ShopDb>(db => db.UseSqlite($"Data Source={Path.Combine(folder, "shop.db")}"));
        builder.Services
            .AddSupportChat(options =>
            {
                if (jwtKey is not null) options.JwtKey = jwtKey;
                if (agentPassword is not null) options.AgentPassword = agentPassword;
                options.AllowedOrigins = ["https://shop.example"];
                options.SendLimit = sendLimit;
            })
            .UseDbContext<ShopDb>();
        var app = builder.Build();
        app.MapGet("/orders", (ShopDb db) => db.Orders.Count()).RequireAuthorization();
        app.MapSupportChat();
        return app;
    }

    [Fact]
    public async Task The_chat_lives_in_the_apps_own_DbContext_and_its_token_opens_nothing_of_the_apps()
    {
        await using var app = Shop("a-long-agent-password");
        await app.StartAsync();
        var client = app.GetTestClient();

        var visitor = await (await client.PostAsJsonAsync("/visitors", new { name = "Ada" })).Content.ReadFromJsonAsync<VisitorAnswer>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", visitor!.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "hello" })).StatusCode);

        using (var scope = app.Services.CreateScope())
        {
            var shop = scope.ServiceProvider.GetRequiredService<ShopDb>();
            Assert.Equal(["hello"], await shop.Chats.Select(c => c.Message).ToListAsync());
            Assert.Equal(0, await shop.Orders.CountAsync());
        }
        // The app's own endpoint answers to the app's sign-in only: with a chat token it is refused, and by
        // the cookie scheme (an API endpoint's 401, with no Bearer challenge), not by the chat's.
        var orders = await client.GetAsync("/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, orders.StatusCode);
        Assert.Empty(orders.Headers.WwwAuthenticate);
    }

    /// <summary>The app <c>dotnet new web</c> makes: no sign-in of its own, one endpoint of its own that needs a user.</summary>
    private WebApplication BareApp(Action<SupportChatOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthorization();
        builder.Services.AddSupportChat(options =>
        {
            options.JwtKey = AKey;
            options.AgentPassword = "a-long-agent-password";
            options.AllowedOrigins = ["https://shop.example"];
            options.Database = Path.Combine(folder, "chat.db");
            configure?.Invoke(options);
        });
        var app = builder.Build();
        app.MapGet("/me", (System.Security.Claims.ClaimsPrincipal user) => user.Identity?.Name).RequireAuthorization();
        app.MapSupportChat();
        return app;
    }

    [Fact]
    public async Task A_visitor_token_is_refused_by_the_apps_own_endpoints_in_an_app_without_a_scheme_of_its_own()
    {
        await using var app = BareApp();
        await app.StartAsync();
        var client = app.GetTestClient();

        var visitor = await (await client.PostAsJsonAsync("/visitors", new { name = "Eve" })).Content.ReadFromJsonAsync<VisitorAnswer>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", visitor!.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/chats/{visitor.GroupId}")).StatusCode);
    }

    private static async Task<SupportChatSession> Session(WebApplication app, Func<SupportChatUsers, Task<SupportChatSession>> ask)
    {
        using var scope = app.Services.CreateScope();
        return await ask(scope.ServiceProvider.GetRequiredService<SupportChatUsers>());
    }

    private static HttpClient Bearer(WebApplication app, string token)
    {
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task Registering_a_users_email_first_gives_no_way_into_the_conversation_the_app_opens_for_them()
    {
        await using var app = Shop("a-long-agent-password");
        await app.StartAsync();
        // Before the victim ever chats, an attacker registers the victim's email with a password of their own.
        var attacker = app.GetTestClient();
        var registered = await attacker.PostAsJsonAsync("/users/register", new { name = "Mallory", email = "victim@corp.example", password = "attackers-password" });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);

        // The app's own sign-in vouches for the victim, whom it knows by that email.
        var victim = await Session(app, users => users.SessionForAsync("victim@corp.example", "Victim"));
        Assert.Equal(HttpStatusCode.OK, (await Bearer(app, victim.Token).PostAsJsonAsync($"/chats/{victim.GroupId}", new { message = "my card ends 4242" })).StatusCode);

        var login = await (await attacker.PostAsJsonAsync("/users/login", new { email = "victim@corp.example", password = "attackers-password" }))
            .Content.ReadFromJsonAsync<TokenAnswer>();
        var read = await Bearer(app, login!.Token).GetAsync($"/chats/{victim.GroupId}");
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.DoesNotContain("4242", await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_app_user_with_the_agent_email_gets_no_agent_rights_only_the_app_names_agents()
    {
        await using var app = Shop("a-long-agent-password");
        await app.StartAsync();
        var visitor = await (await app.GetTestClient().PostAsJsonAsync("/visitors", new { name = "Ada" })).Content.ReadFromJsonAsync<VisitorAnswer>();

        var sameEmail = await Session(app, users => users.SessionForAsync("agent@example.com", "Mallory"));
        Assert.Equal(HttpStatusCode.Forbidden, (await Bearer(app, sameEmail.Token).GetAsync($"/chats/{visitor!.GroupId}")).StatusCode);

        var staff = await Session(app, users => users.AgentSessionForAsync("staff-7", "Ann"));
        Assert.Equal(0, staff.GroupId);
        Assert.Equal(HttpStatusCode.OK, (await Bearer(app, staff.Token).GetAsync($"/chats/{visitor.GroupId}")).StatusCode);

        // The app takes the role away: the agent token it gave before stops working at once.
        await Session(app, users => users.SessionForAsync("staff-7", "Ann"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(app, staff.Token).GetAsync($"/chats/{visitor.GroupId}")).StatusCode);
    }

    [Fact]
    public async Task The_apps_own_forwarded_headers_options_are_not_rewritten_by_the_chats_trusted_proxies()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            forwarded.KnownProxies.Add(IPAddress.Parse("10.0.0.1"));
        });
        builder.Services.AddSupportChat(options =>
        {
            options.JwtKey = AKey;
            options.AgentPassword = "a-long-agent-password";
            options.AllowedOrigins = ["https://shop.example"];
            options.Database = Path.Combine(folder, "chat.db");
            options.TrustedProxies = ["192.0.2.1"];
        });
        await using var app = builder.Build();
        app.MapSupportChat();
        await app.StartAsync();

        var forwarded = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        Assert.Equal(ForwardedHeaders.XForwardedFor, forwarded.ForwardedHeaders);
        // ASP.NET Core's defaults (loopback) are still there, and the chat's proxy is not.
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.1")], forwarded.KnownProxies);
        Assert.NotEmpty(forwarded.KnownIPNetworks);
    }

    [Fact]
    public async Task The_apps_own_endpoints_under_the_chats_words_get_neither_its_Origin_check_nor_its_body_limit()
    {
        await using var app = BareApp();
        app.MapPost("/users/{id:int}/avatar", async (int id, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            return body.Length;
        });
        await app.StartAsync();

        using var upload = new HttpRequestMessage(HttpMethod.Post, "/users/42/avatar") { Content = new ByteArrayContent(new byte[100 * 1024]) };
        upload.Headers.Add("Origin", "https://elsewhere.example");
        var answer = await app.GetTestClient().SendAsync(upload);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("102400", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Under_a_prefix_the_Origin_check_the_body_limit_and_the_hubs_query_token_still_hold()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthorization();
        builder.Services.AddSupportChat(options =>
        {
            options.JwtKey = AKey;
            options.AgentPassword = "a-long-agent-password";
            options.AllowedOrigins = ["https://shop.example"];
            options.Database = Path.Combine(folder, "chat.db");
        });
        await using var app = builder.Build();
        // The form an app that builds its own pipeline writes; MapSupportChat("/support") is the same in one line.
        app.UseSupportChat();
        app.MapGroup("/support").MapSupportChatEndpoints();
        await app.StartAsync();
        var client = app.GetTestClient();

        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/support/visitors") { Content = JsonContent.Create(new { name = "Eve" }) };
        foreign.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(foreign)).StatusCode);

        // With its length declared, as a browser sends it: refused before it is read.
        using var body = new StringContent($"{{\"name\":\"Eve\",\"password\":\"{new string('x', 100 * 1024)}\"}}", System.Text.Encoding.UTF8, "application/json");
        var huge = await client.PostAsync("/support/users/register", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        var visitor = await (await client.PostAsJsonAsync("/support/visitors", new { name = "Ada" })).Content.ReadFromJsonAsync<VisitorAnswer>();
        var negotiate = await client.PostAsync($"/support/hubs/groupchat/negotiate?negotiateVersion=1&access_token={visitor!.Token}", null);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
    }

    [Fact]
    public async Task Mapping_the_chat_twice_is_refused_with_a_sentence()
    {
        await using var app = BareApp();
        var twice = Assert.Throws<InvalidOperationException>(() => app.MapSupportChat());
        Assert.Contains("call MapSupportChat() (or MapSupportChatEndpoints()) once", twice.Message);
    }

    [Fact]
    public async Task The_apps_own_rate_limiter_and_its_429_answer_are_left_as_the_app_set_them()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(_ =>
                RateLimitPartition.GetFixedWindowLimiter("all", _ => new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1) }));
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
        });
        builder.Services.AddSupportChat(options =>
        {
            options.JwtKey = AKey;
            options.AgentPassword = "a-long-agent-password";
            options.AllowedOrigins = ["https://shop.example"];
            options.Database = Path.Combine(folder, "chat.db");
            options.SendLimit = 1;
        });
        await using var app = builder.Build();
        app.UseRateLimiter();
        app.MapGet("/catalog", () => "items");
        app.MapSupportChat();
        await app.StartAsync();
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/catalog")).StatusCode);
        var second = await client.GetAsync("/catalog");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.DoesNotContain("message", await second.Content.ReadAsStringAsync());
    }

    /// <summary>What the app logs, line by line, as its operator would read it.</summary>
    private sealed class LogLines : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogLines lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Lines.Enqueue((logLevel, formatter(state, exception)));
        }
    }

    [Fact]
    public async Task Demo_mode_in_an_app_is_never_silent_its_log_warns_first_and_names_the_demo_password()
    {
        var log = new LogLines();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddProvider(log);
        builder.Services.AddSupportChat(options =>
        {
            options.Demo = true;
            options.Database = Path.Combine(folder, "chat.db");
        });
        await using var app = builder.Build();
        app.MapSupportChat();
        await app.StartAsync();

        var (level, first) = log.Lines.First();
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("support-demo", first);
        Assert.Contains("must never face the internet", first);
    }

    [Theory]
    [InlineData(new string[0], "SupportChat:AllowedOrigins (SUPPORTCHAT_ORIGINS) is empty")]
    [InlineData(new[] { "*" }, "browsers never send to a wildcard origin")]
    [InlineData(new[] { "https://shop.example/checkout" }, "is not an origin")]
    public async Task Missing_wildcard_or_malformed_allowed_origins_stop_the_start_with_a_sentence(string[] origins, string sentence)
    {
        await using var app = BareApp(options => options.AllowedOrigins = origins);
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        Assert.StartsWith("Refusing to start:", refused.Message);
        Assert.Contains(sentence, refused.Message);
    }

    [Fact]
    public async Task An_allowed_origin_written_with_a_trailing_slash_is_the_origin_a_browser_sends()
    {
        await using var app = BareApp(options => options.AllowedOrigins = ["https://shop.example/"]);
        await app.StartAsync();

        using var call = new HttpRequestMessage(HttpMethod.Post, "/visitors") { Content = JsonContent.Create(new { name = "Ada" }) };
        call.Headers.Add("Origin", "https://shop.example");
        var answer = await app.GetTestClient().SendAsync(call);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("https://shop.example", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task An_apps_existing_database_without_the_chat_tables_stops_the_start_with_a_sentence_saying_what_to_do()
    {
        using (var existing = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "shop.db")}"))
        {
            existing.Open();
            using var create = existing.CreateCommand();
            create.CommandText = "CREATE TABLE Orders (Id INTEGER PRIMARY KEY)";
            create.ExecuteNonQuery();
        }
        await using var app = Shop("a-long-agent-password");
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.StartsWith("Refusing to start: the database of ShopDb has no chat tables", refused.Message);
        Assert.Contains("dotnet ef migrations add", refused.Message);
    }

    /// <summary>The clock of another instance behind the same balancer, a little ahead of this one.</summary>
    private sealed class ClockAhead(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
    }

    [Fact]
    public async Task A_token_from_an_instance_whose_clock_is_a_little_ahead_is_accepted_at_once()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(new ClockAhead(TimeSpan.FromSeconds(3)));
        builder.Services.AddSupportChat(options =>
        {
            options.JwtKey = AKey;
            options.AgentPassword = "a-long-agent-password";
            options.AllowedOrigins = ["https://shop.example"];
            options.Database = Path.Combine(folder, "chat.db");
        });
        await using var app = builder.Build();
        app.MapSupportChat();
        await app.StartAsync();

        // Issued by the clock that is ahead, checked (by the token handler) against the machine's own.
        var visitor = await (await app.GetTestClient().PostAsJsonAsync("/visitors", new { name = "Ada" })).Content.ReadFromJsonAsync<VisitorAnswer>();
        Assert.Equal(HttpStatusCode.OK, (await Bearer(app, visitor!.Token).GetAsync($"/chats/{visitor.GroupId}")).StatusCode);
    }

    [Fact]
    public async Task With_password_accounts_off_neither_register_nor_login_takes_a_password()
    {
        await using var app = BareApp(options => options.PasswordAccounts = false);
        await app.StartAsync();
        var client = app.GetTestClient();

        var register = await client.PostAsJsonAsync("/users/register", new { name = "Mallory", email = "victim@corp.example", password = "attackers-password" });
        Assert.Equal(HttpStatusCode.NotFound, register.StatusCode);
        Assert.Contains("takes no passwords", await register.Content.ReadAsStringAsync());
        var login = await client.PostAsJsonAsync("/users/login", new { email = "agent@example.com", password = "a-long-agent-password" });
        Assert.Equal(HttpStatusCode.NotFound, login.StatusCode);
    }

    [Fact]
    public async Task The_Origin_check_CORS_and_the_send_limit_guard_the_chat_in_an_app_that_only_mapped_it()
    {
        await using var app = Shop("a-long-agent-password", sendLimit: 1);
        await app.StartAsync();
        var client = app.GetTestClient();

        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/visitors") { Content = JsonContent.Create(new { name = "Eve" }) };
        foreign.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(foreign)).StatusCode);

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/chats/1");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var allowed = await client.SendAsync(preflight);
        Assert.Equal("https://shop.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var visitor = await (await client.PostAsJsonAsync("/visitors", new { name = "Ada" })).Content.ReadFromJsonAsync<VisitorAnswer>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", visitor!.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "one" })).StatusCode);
        var limited = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "two" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Theory]
    [InlineData(null, AKey, "Refusing to start: the agent password is the demo's. Set SupportChat:AgentPassword")]
    [InlineData("a-long-agent-password", null, "Refusing to start: there is no JWT signing key. Set SupportChat:JwtKey")]
    public async Task Without_an_agent_password_or_a_key_of_its_own_the_app_stops_at_start_with_a_sentence(
        string? agentPassword, string? jwtKey, string sentence)
    {
        await using var app = Shop(agentPassword, jwtKey: jwtKey);
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.StartsWith(sentence, refused.Message);
        Assert.False(File.Exists(Path.Combine(folder, "shop.db")), "nothing is written before the settings pass");
    }
}
