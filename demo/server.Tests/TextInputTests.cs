using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SupportChat.Server.Tests;

/// <summary>
/// Control characters in text are refused as they are read, on every provider: PostgreSQL fails on a NUL
/// with a 500, and the answer must not depend on which database is behind the server (these run on SQLite,
/// which would have stored it).
/// </summary>
public sealed class TextInputTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static async Task<string> ProblemDetail(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("/chats/{group}", "visitor", """{"message": "hi\u0000there"}""", "$.message")]
    [InlineData("/chats/{group}", "visitor", """{"message": "bell\u0007"}""", "$.message")]
    [InlineData("/visitors", null, """{"name": "Ann\u0000"}""", "$.name")]
    [InlineData("/users/register", null, """{"name": "Bo\u0000b", "email": "bob@example.com", "password": "long-enough"}""", "$.name")]
    [InlineData("/users/register", null, """{"name": "Bob", "email": "bob\u0000@example.com", "password": "long-enough"}""", "$.email")]
    [InlineData("/users/login", null, """{"email": "agent\u0000@test.example", "password": "whatever"}""", "$.email")]
    [InlineData("/groups", "agent", """{"name": "Team\u001b[31m"}""", "$.name")]
    public async Task Text_with_a_control_character_is_refused_with_a_400_problem_naming_the_field(string path, string? who, string json, string field)
    {
        var visitor = await server.NewVisitor();
        var token = who switch { "visitor" => visitor.Token, "agent" => await server.AgentToken(), _ => null };
        var response = await server.ClientWith(token).PostAsync(path.Replace("{group}", visitor.GroupId.ToString()), Json(json));

        var detail = await ProblemDetail(response, HttpStatusCode.BadRequest);
        Assert.Contains("control character", detail);
        Assert.Contains(field, detail);
        Assert.DoesNotContain("Nothing you sent was lost", detail);
    }

    [Fact]
    public async Task A_refused_message_with_a_NUL_is_not_stored()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        await client.PostAsync($"/chats/{visitor.GroupId}", Json("""{"message": "a\u0000b"}"""));
        Assert.Empty((await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}"))!.Chats);
    }

    [Theory]
    [InlineData("\u200B\u200B")]
    [InlineData(" \u200D\uFEFF\u2060 ")]
    [InlineData("\u3164")]
    public async Task A_message_of_only_invisible_characters_is_refused_as_empty(string message)
    {
        var visitor = await server.NewVisitor();
        var response = await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message });
        Assert.Contains("empty", await ProblemDetail(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Line_breaks_tabs_and_a_joined_emoji_are_still_accepted()
    {
        var visitor = await server.NewVisitor();
        const string message = "line one\r\nline\ttwo 👩\u200D💻";
        var response = await server.ClientWith(visitor.Token).PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(message, (await response.Content.ReadFromJsonAsync<SendAnswer>())!.Chat.Message);
    }
}
