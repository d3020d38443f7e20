using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SupportChat.Server.Tests;

/// <summary>The seed's REST contract and the reference server's extensions.</summary>
public sealed class ChatContractTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private const string SidClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/sid";

    [Fact]
    public async Task Register_then_login_answer_a_token_with_the_seed_user_id_claim()
    {
        var client = server.ClientWith(null);
        var registered = await client.PostAsJsonAsync("/users/register", new { name = "Rita", email = "rita@example.com", password = "long-enough" });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);

        var login = await client.PostAsJsonAsync("/users/login", new { email = "RITA@example.com", password = "long-enough" });
        var answer = await login.Content.ReadFromJsonAsync<TokenAnswer>();
        Assert.True(answer!.Success);
        var claims = new JwtSecurityTokenHandler().ReadJwtToken(answer.Token).Claims.ToDictionary(c => c.Type, c => c.Value);
        Assert.True(int.Parse(claims[SidClaim]) > 0);
        Assert.Equal("Rita", claims["name"]);
    }

    [Fact]
    public async Task Login_with_bad_credentials_answers_404_as_the_seed_does()
    {
        var client = server.ClientWith(null);
        var wrongPassword = await client.PostAsJsonAsync("/users/login", new { email = ServerFactory.AgentEmail, password = "nope" });
        var unknown = await client.PostAsJsonAsync("/users/login", new { email = "nobody@example.com", password = "nope" });
        Assert.Equal(HttpStatusCode.NotFound, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_returning_visitor_gets_a_new_token_for_the_same_conversation_through_an_HttpOnly_cookie()
    {
        var client = server.ClientWith(null);
        var first = await client.PostAsJsonAsync("/visitors", new { name = "Vera" });
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var visitor = (await first.Content.ReadFromJsonAsync<VisitorAnswer>())!;

        var again = new HttpRequestMessage(HttpMethod.Post, "/visitors");
        again.Headers.Add("Cookie", cookie.Split(';')[0]);
        var returning = (await (await client.SendAsync(again)).Content.ReadFromJsonAsync<VisitorAnswer>())!;

        Assert.Equal(visitor.UserId, returning.UserId);
        Assert.Equal(visitor.GroupId, returning.GroupId);

        var stranger = await server.NewVisitor();
        Assert.NotEqual(visitor.GroupId, stranger.GroupId);
    }

    [Fact]
    public async Task A_sent_message_comes_back_with_the_extensions_and_is_in_history()
    {
        var visitor = await server.NewVisitor("Nina");
        var client = server.ClientWith(visitor.Token);
        var response = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { groupId = visitor.GroupId.ToString(), message = "  Hello  ", clientMessageId = "c-1" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var raw = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(raw.GetProperty("success").GetBoolean());
        var chat = raw.GetProperty("chat");
        Assert.Equal("Hello", chat.GetProperty("message").GetString());
        Assert.Equal("Nina", chat.GetProperty("name").GetString());
        Assert.Equal(visitor.UserId, chat.GetProperty("userId").GetInt32());
        Assert.Equal(JsonValueKind.Null, chat.GetProperty("userAvatarUrl").ValueKind);
        Assert.True(chat.GetProperty("isMe").GetBoolean());
        Assert.Equal(visitor.GroupId, chat.GetProperty("groupId").GetInt32());
        Assert.Equal("c-1", chat.GetProperty("clientMessageId").GetString());
        Assert.EndsWith("Z", chat.GetProperty("createdAt").GetString());

        var history = await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}");
        var stored = Assert.Single(history!.Chats);
        Assert.Equal(chat.GetProperty("id").GetInt32(), stored.Id);

        var asAgent = await server.ClientWith(await server.AgentToken()).GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}");
        Assert.False(Assert.Single(asAgent!.Chats).IsMe);
    }

    [Fact]
    public async Task Repeating_a_send_with_the_same_clientMessageId_stores_it_once()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var body = new { groupId = visitor.GroupId.ToString(), message = "only once", clientMessageId = "retry-me" };
        var first = await (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", body)).Content.ReadFromJsonAsync<SendAnswer>();
        var second = await (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", body)).Content.ReadFromJsonAsync<SendAnswer>();

        Assert.Equal(first!.Chat.Id, second!.Chat.Id);
        var history = await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}");
        Assert.Single(history!.Chats);
    }

    [Fact]
    public async Task History_pages_by_afterId_beforeId_and_limit_and_without_them_returns_everything()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var ids = new List<int>();
        for (var n = 1; n <= 5; n++)
        {
            var sent = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = $"m{n}" });
            ids.Add((await sent.Content.ReadFromJsonAsync<SendAnswer>())!.Chat.Id);
        }

        async Task<int[]> Page(string query) =>
            (await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}{query}"))!.Chats.Select(c => c.Id).ToArray();

        Assert.Equal(ids, await Page(""));
        Assert.Equal(ids[3..], await Page("?limit=2"));
        Assert.Equal(ids[2..4], await Page($"?afterId={ids[1]}&limit=2"));
        Assert.Equal(ids[..2], await Page($"?beforeId={ids[2]}&limit=10"));
        Assert.Empty(await Page($"?afterId={ids[4]}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_message_is_refused_with_a_problem(string message)
    {
        var visitor = await server.NewVisitor();
        var response = await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_message_over_4000_characters_is_refused_with_a_problem_and_not_stored()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var response = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = new string('x', 4001) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("4000", problem.GetProperty("detail").GetString());

        var exactly = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = new string('x', 4000) });
        Assert.Equal(HttpStatusCode.OK, exactly.StatusCode);
        Assert.Single((await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}"))!.Chats);
    }

    [Fact]
    public async Task A_visitor_sending_too_fast_gets_429_with_Retry_After_and_others_are_not_held_back()
    {
        var hasty = await server.NewVisitor();
        var client = server.ClientWith(hasty.Token);
        for (var n = 1; n <= 20; n++)
        {
            var accepted = await client.PostAsJsonAsync($"/chats/{hasty.GroupId}", new { message = $"m{n}" });
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        var refused = await client.PostAsJsonAsync($"/chats/{hasty.GroupId}", new { message = "one too many" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")));
        Assert.InRange(retryAfter, 1, 10);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(20, (await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{hasty.GroupId}"))!.Chats.Count);

        var patient = await server.NewVisitor();
        var other = await server.ClientWith(patient.Token).PostAsJsonAsync($"/chats/{patient.GroupId}", new { message = "hello" });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_registered_https_avatar_url_is_carried_on_messages()
    {
        var client = server.ClientWith(null);
        var registered = await client.PostAsJsonAsync("/users/register", new { name = "Ava", email = "ava@example.com", password = "long-enough", avatarUrl = "https://images.example/ava.png" });
        var token = (await registered.Content.ReadFromJsonAsync<TokenAnswer>())!.Token;
        var user = server.ClientWith(token);
        var group = await (await user.PostAsJsonAsync("/groups", new { name = "Mine" })).Content.ReadFromJsonAsync<JsonElement>();
        var groupId = group.GetProperty("group").GetProperty("id").GetInt32();
        var sent = await (await user.PostAsJsonAsync($"/chats/{groupId}", new { message = "hi" })).Content.ReadFromJsonAsync<SendAnswer>();
        Assert.Equal("https://images.example/ava.png", sent!.Chat.UserAvatarUrl);
    }

    [Fact]
    public async Task The_demo_pages_carry_a_strict_content_security_policy()
    {
        var page = await server.ClientWith(null).GetAsync("/");
        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("style-src 'self'", policy);
        Assert.Contains("require-trusted-types-for 'script'", policy);
        Assert.Contains("frame-ancestors 'self'", policy);
        Assert.DoesNotContain("unsafe", policy);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_REST_endpoint()
    {
        var document = JsonDocument.Parse(await server.ClientWith(null).GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[]
        {
            ("/chats/{groupId}", "get"), ("/chats/{groupId}", "post"), ("/users/register", "post"), ("/users/login", "post"),
            ("/groups", "get"), ("/groups", "post"), ("/visitors", "post"),
        })
        {
            Assert.True(paths.GetProperty(path).TryGetProperty(method, out var operation), $"{method} {path}");
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
        }
        Assert.True(paths.GetProperty("/chats/{groupId}").GetProperty("post").GetProperty("responses").TryGetProperty("429", out _));
    }

    [Fact]
    public async Task The_demo_pages_are_served_but_not_the_server_source_or_settings()
    {
        var client = server.ClientWith(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/agent.html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/server/appsettings.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/server/Program.cs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/server.Tests/ServerFactory.cs")).StatusCode);
    }
}
