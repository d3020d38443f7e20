using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;

namespace SupportChat.Server.Tests;

/// <summary>
/// The server as deployed: in Development, ASP.NET Core's developer exception page would answer some of
/// these for us, so the probes run where it is not.
/// </summary>
public sealed class ProductionServer : ServerFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment(Environments.Production);
    }
}

/// <summary>
/// The seed's wire both ways, and errors a person can read: every 4xx and 5xx carries a problem body with
/// a sentence, and no input produces a 500.
/// </summary>
public sealed class ProblemTests(ProductionServer server) : IClassFixture<ProductionServer>
{
    /// <summary>The status, and the problem body's sentence (its detail, or else its title).</summary>
    private static async Task<(HttpStatusCode Status, string Sentence)> Problem(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        var sentence = problem.TryGetProperty("detail", out var detail) ? detail.GetString()! : problem.GetProperty("title").GetString()!;
        Assert.Matches(@"^[A-Z].{10,}\.$", sentence);
        return (response.StatusCode, sentence);
    }

    private async Task<HttpResponseMessage> PostRaw(string path, string json, string? token)
    {
        var visitor = await server.NewVisitor();
        var request = new HttpRequestMessage(HttpMethod.Post, path.Replace("{group}", visitor.GroupId.ToString()))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", token == "visitor" ? visitor.Token : token == "agent" ? await server.AgentToken() : null);
        if (token is null) request.Headers.Authorization = null;
        return await server.ClientWith(null).SendAsync(request);
    }

    [Theory]
    [InlineData("/chats/{group}", "visitor", """{"message": "cut off""")]
    [InlineData("/chats/{group}", "visitor", """{"message": 5}""")]
    [InlineData("/chats/{group}", "visitor", """{"groupId": "five", "message": "hi"}""")]
    [InlineData("/visitors", null, """{"name": """)]
    [InlineData("/visitors", null, """{"name": ["a"]}""")]
    [InlineData("/users/register", null, """{"name": "x", "email": """)]
    [InlineData("/users/login", null, """{"email": 42, "password": "x"}""")]
    [InlineData("/groups", "agent", """{"name": }""")]
    public async Task Malformed_or_mistyped_JSON_is_refused_with_a_400_problem(string path, string? token, string json)
    {
        var (status, sentence) = await Problem(await PostRaw(path, json, token));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("JSON", sentence);
    }

    [Theory]
    [InlineData("/users/login", null, "ebcdic")]
    [InlineData("/visitors", null, "ebcdic")]
    [InlineData("/chats/{group}", "visitor", "ebcdic")]
    [InlineData("/groups", "agent", "\"no-such-charset\"")]
    public async Task A_body_in_an_unknown_charset_is_refused_with_a_415_problem_not_a_500(string path, string? token, string charset)
    {
        var visitor = await server.NewVisitor();
        var request = new HttpRequestMessage(HttpMethod.Post, path.Replace("{group}", visitor.GroupId.ToString()))
        {
            Content = new StringContent("""{"email": "a@b.example", "password": "whatever1", "message": "hi", "name": "n"}"""),
        };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"application/json; charset={charset}");
        if (token is not null) request.Headers.Authorization = new("Bearer", token == "visitor" ? visitor.Token : await server.AgentToken());

        var (status, sentence) = await Problem(await server.ClientWith(null).SendAsync(request));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("UTF-8", sentence);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("\"5\"")]
    public async Task A_seed_client_sending_groupId_as_a_number_or_a_numeric_string_is_accepted(string groupId)
    {
        var visitor = await server.NewVisitor();
        var json = $$"""{"groupId": {{groupId.Replace("5", visitor.GroupId.ToString())}}, "message": "hi"}""";
        var response = await server.ClientWith(visitor.Token)
            .PostAsync($"/chats/{visitor.GroupId}", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hi", (await response.Content.ReadFromJsonAsync<SendAnswer>())!.Chat.Message);
    }

    [Fact]
    public async Task A_body_naming_another_conversation_than_the_address_is_refused_and_nothing_is_stored()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var response = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { groupId = visitor.GroupId + 1, message = "where to?" });

        var (status, sentence) = await Problem(response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"conversation {visitor.GroupId + 1}", sentence);
        Assert.Empty((await client.GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}"))!.Chats);
    }

    [Fact]
    public async Task An_empty_body_and_a_body_that_is_not_JSON_are_refused_with_problems()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        var empty = await client.PostAsync($"/chats/{visitor.GroupId}", new StringContent("", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, (await Problem(empty)).Status);
        var text = await client.PostAsync($"/chats/{visitor.GroupId}", new StringContent("hello", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Problem(text)).Status);
    }

    [Fact]
    public async Task Refusals_without_a_body_of_their_own_get_a_problem_body()
    {
        var visitor = await server.NewVisitor();
        var anonymous = server.ClientWith(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Problem(await anonymous.GetAsync($"/chats/{visitor.GroupId}"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Problem(await anonymous.GetAsync("/no-such-thing"))).Status);
        var stranger = await server.NewVisitor();
        Assert.Equal(HttpStatusCode.Forbidden, (await Problem(await server.ClientWith(stranger.Token).GetAsync($"/chats/{visitor.GroupId}"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Problem(await server.ClientWith(visitor.Token).GetAsync($"/chats/{visitor.GroupId}?limit=many"))).Status);
    }
}
