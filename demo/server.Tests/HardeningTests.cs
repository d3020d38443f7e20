using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Tests;

/// <summary>Per-IP ceilings, connection caps and trusted proxies at small values, so a test can reach them.</summary>
public sealed class TightLimitsServer : ServerFactory
{
    public const string Proxy = "10.0.0.5";

    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("SUPPORTCHAT_VISITOR_LIMIT_PER_IP", "3"),
        ("SUPPORTCHAT_SEND_LIMIT_PER_IP", "5"),
        ("SUPPORTCHAT_MAX_CONNECTIONS_PER_USER", "3"),
        ("SUPPORTCHAT_TRUSTED_PROXIES", Proxy),
        // Windows far longer than any test, so a slow machine cannot see a window end mid-test and the
        // counts start again (or a second Typing go through).
        ("SUPPORTCHAT_VISITOR_WINDOW_SECONDS", "3600"),
        ("SUPPORTCHAT_SEND_WINDOW_SECONDS", "3600"),
        ("SUPPORTCHAT_TYPING_INTERVAL_MS", "3600000"),
    ];
}

/// <summary>A probe of issue 12 per test, each named after what the server refuses.</summary>
public sealed class HardeningTests(TightLimitsServer server) : IClassFixture<TightLimitsServer>
{
    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    private static void AssertTooManyWithProblem(ServerFactory.Answer answer)
    {
        Assert.Equal((int)HttpStatusCode.TooManyRequests, answer.Status);
        Assert.InRange(int.Parse(answer.Headers.RetryAfter.ToString()), 1, 3600);
        Assert.StartsWith("application/problem+json", answer.Headers.ContentType.ToString());
        Assert.Contains("Wait", Json(answer.Body).GetProperty("detail").GetString());
    }

    private static int addresses;

    /// <summary>A visitor from an address of its own, so tests that need one do not spend a ceiling under test.</summary>
    private async Task<VisitorAnswer> Visitor(string? name = null)
    {
        var n = Interlocked.Increment(ref addresses);
        var answer = await server.SendFrom($"10.200.{n / 250}.{n % 250 + 1}", "POST", "/visitors", JsonSerializer.Serialize(new { name }));
        Assert.Equal(200, answer.Status);
        return JsonSerializer.Deserialize<VisitorAnswer>(answer.Body, JsonSerializerOptions.Web)!;
    }

    private async Task<ServerFactory.Answer> NewVisitorFrom(string ip, params (string, string)[] headers) =>
        await server.SendFrom(ip, "POST", "/visitors", json: null, token: null, headers);

    [Fact]
    public async Task Starting_more_visitors_from_one_IP_than_the_ceiling_is_refused_with_429_but_returning_visitors_and_other_IPs_are_not()
    {
        var first = await NewVisitorFrom("10.1.1.1");
        Assert.Equal(200, first.Status);
        Assert.Equal(200, (await NewVisitorFrom("10.1.1.1")).Status);
        Assert.Equal(200, (await NewVisitorFrom("10.1.1.1")).Status);

        AssertTooManyWithProblem(await NewVisitorFrom("10.1.1.1"));

        var cookie = first.Headers.SetCookie.ToString().Split(';')[0];
        var returning = await NewVisitorFrom("10.1.1.1", ("Cookie", cookie));
        Assert.Equal(200, returning.Status);
        Assert.Equal(Json(first.Body).GetProperty("groupId").GetInt32(), Json(returning.Body).GetProperty("groupId").GetInt32());
        Assert.Equal(200, (await NewVisitorFrom("10.1.1.2")).Status);
    }

    [Fact]
    public async Task A_forged_X_Forwarded_For_from_an_untrusted_address_does_not_slip_the_visitor_ceiling()
    {
        for (var n = 0; n < 3; n++) Assert.Equal(200, (await NewVisitorFrom("10.2.2.2", ("X-Forwarded-For", $"192.0.2.{n}"))).Status);
        AssertTooManyWithProblem(await NewVisitorFrom("10.2.2.2", ("X-Forwarded-For", "192.0.2.99")));
    }

    [Fact]
    public async Task The_trusted_proxy_is_believed_about_the_client_address()
    {
        for (var n = 0; n < 3; n++) Assert.Equal(200, (await NewVisitorFrom(TightLimitsServer.Proxy, ("X-Forwarded-For", "192.0.2.7"))).Status);
        AssertTooManyWithProblem(await NewVisitorFrom(TightLimitsServer.Proxy, ("X-Forwarded-For", "192.0.2.7")));
        Assert.Equal(200, (await NewVisitorFrom(TightLimitsServer.Proxy, ("X-Forwarded-For", "192.0.2.8"))).Status);
    }

    [Fact]
    public async Task X_Forwarded_Proto_https_from_an_untrusted_address_gets_no_cross_site_cookie_and_from_the_trusted_proxy_a_Secure_SameSite_None_one()
    {
        var forged = (await NewVisitorFrom("10.3.3.3", ("X-Forwarded-Proto", "https"))).Headers.SetCookie.ToString().ToLowerInvariant();
        Assert.Contains("samesite=lax", forged);
        Assert.DoesNotContain("secure", forged);

        var proxied = (await NewVisitorFrom(TightLimitsServer.Proxy, ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "192.0.2.50")))
            .Headers.SetCookie.ToString().ToLowerInvariant();
        Assert.Contains("samesite=none", proxied);
        Assert.Contains("secure", proxied);
        Assert.Contains("httponly", proxied);
    }

    [Fact]
    public async Task Sending_through_many_visitor_identities_from_one_IP_is_refused_past_the_per_IP_ceiling()
    {
        var visitors = new[] { await Visitor(), await Visitor() };
        var accepted = 0;
        ServerFactory.Answer? refused = null;
        for (var n = 0; n < 6 && refused is null; n++)
        {
            var visitor = visitors[n % 2];
            var answer = await server.SendFrom("10.4.4.4", "POST", $"/chats/{visitor.GroupId}", $$"""{"message": "m{{n}}"}""", visitor.Token);
            if (answer.Status == 200) accepted++;
            else refused = answer;
        }

        Assert.True(accepted == 5, $"{accepted} accepted, then {refused?.Status} {refused?.Body}");
        AssertTooManyWithProblem(refused!);
        var elsewhere = await server.SendFrom("10.4.4.5", "POST", $"/chats/{visitors[0].GroupId}", """{"message": "from another network"}""", visitors[0].Token);
        Assert.Equal(200, elsewhere.Status);
    }

    [Theory]
    [InlineData("/visitors", null)]
    [InlineData("/chats/{group}", "visitor")]
    [InlineData("/users/register", null)]
    [InlineData("/users/login", null)]
    [InlineData("/groups", "agent")]
    public async Task A_JSON_body_over_64_KB_is_refused_with_413_and_a_problem_before_it_is_read(string path, string? token)
    {
        var visitor = await Visitor();
        var request = new HttpRequestMessage(HttpMethod.Post, path.Replace("{group}", visitor.GroupId.ToString()))
        {
            Content = new StringContent($$"""{"name": "{{new string('x', 64 * 1024)}}", "message": "x", "email": "a@b.c", "password": "p"}""", Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new("Bearer", token == "agent" ? await server.AgentToken() : visitor.Token);
        var response = await server.ClientWith(null).SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("64 KB", Json(await response.Content.ReadAsStringAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_25_MB_password_is_refused_with_413()
    {
        var response = await server.ClientWith(null).PostAsJsonAsync("/users/register", new { name = "Big", email = "big@example.com", password = new string('p', 25 * 1024 * 1024) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_hub_connection_past_the_per_user_cap_is_refused_and_the_open_ones_stay()
    {
        var visitor = await Visitor();
        var open = new List<HubConnection>();
        try
        {
            for (var n = 0; n < 3; n++)
            {
                var hub = server.Hub(visitor.Token);
                open.Add(hub);
                await hub.StartAsync();
                await hub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());
            }

            await using (var extra = server.Hub(visitor.Token))
            {
                var refused = await Assert.ThrowsAsync<HttpRequestException>(() => extra.StartAsync());
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.Equal(HubConnectionState.Disconnected, extra.State);
            }

            foreach (var hub in open) await hub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());

            // One closed makes room for one more, once the server has seen it close: a moment after the
            // client has, and on a busy machine more than a moment.
            using (var connections = new MeterWatch(server.Services, "support_chat.connections"))
            {
                await open[0].DisposeAsync();
                open.RemoveAt(0);
                // The hub counts the user's connection out before the meter hears of it.
                await connections.Until(change => change == -1, "The server never counted the closed connection out.");
            }
            Assert.True(server.Services.GetRequiredService<ConnectionsPerUser>().Count(visitor.UserId) < 3);
            var again = server.Hub(visitor.Token);
            open.Add(again);
            await again.StartAsync();
            await again.InvokeAsync("JoinGroup", visitor.GroupId.ToString());
        }
        finally
        {
            foreach (var hub in open) await hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task Typing_faster_than_once_per_interval_is_dropped_on_the_server()
    {
        var visitor = await Visitor("Quick");
        await using var agentHub = server.Hub(await server.AgentToken());
        await using var visitorHub = server.Hub(visitor.Token);
        var typing = 0;
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agentHub.On<JsonElement>("UserTyping", _ => Interlocked.Increment(ref typing));
        agentHub.On<JsonElement>("ReceiveMessage", _ => marker.TrySetResult());
        await agentHub.StartAsync();
        await visitorHub.StartAsync();
        await agentHub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());
        await visitorHub.InvokeAsync("JoinGroup", visitor.GroupId.ToString());

        for (var n = 0; n < 50; n++) await visitorHub.InvokeAsync("Typing", visitor.GroupId.ToString());
        // Pushed after the typing over the same connection: once it is here, every forwarded Typing is too.
        await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "done typing" });
        await marker.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, Volatile.Read(ref typing));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:image/svg+xml,<svg onload=alert(1)/>")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://images.example/a.png")]
    [InlineData("//evil.example/a.png")]
    [InlineData("https://user:password@images.example/a.png")]
    [InlineData("https://images.example/a b.png")]
    [InlineData("https://images.example/a.png\"onerror=\"alert(1)")]
    [InlineData("https://images.example/a.png'")]
    public async Task An_avatar_URL_that_is_not_https_is_refused_with_a_400_problem(string avatarUrl)
    {
        var email = $"avatar-{Guid.NewGuid():N}@example.com";
        var response = await server.ClientWith(null).PostAsJsonAsync("/users/register", new { name = "Ava", email, password = "long-enough", avatarUrl });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("https:", Json(await response.Content.ReadAsStringAsync()).GetProperty("detail").GetString());
        var login = await server.ClientWith(null).PostAsJsonAsync("/users/login", new { email, password = "long-enough" });
        Assert.Equal(HttpStatusCode.NotFound, login.StatusCode);
    }

    [Fact]
    public async Task Every_answer_carries_nosniff_and_a_referrer_policy()
    {
        var client = server.ClientWith(null);
        foreach (var response in new[]
        {
            await client.GetAsync("/"),
            await client.GetAsync("/health"),
            await client.GetAsync("/groups"),
            await client.PostAsync("/visitors", new StringContent("{", Encoding.UTF8, "application/json")),
            await client.GetAsync("/dist/no-such-file.js"),
        })
        {
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        }
    }
}
