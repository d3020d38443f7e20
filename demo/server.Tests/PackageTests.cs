using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SupportChat.Server.Data;

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
    [InlineData(null, AKey, "Refusing to start: the agent password is the demo's.")]
    [InlineData("a-long-agent-password", null, "Refusing to start: there is no JWT signing key.")]
    public async Task Without_an_agent_password_or_a_key_of_its_own_the_app_stops_at_start_with_a_sentence(
        string? agentPassword, string? jwtKey, string sentence)
    {
        await using var app = Shop(agentPassword, jwtKey: jwtKey);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        Assert.Contains(sentence, refused.Message);
        Assert.False(File.Exists(Path.Combine(folder, "shop.db")), "nothing is written before the settings pass");
    }
}
