using System.Net;

namespace SupportChat.Server.Tests;

/// <summary>CORS with credentials for the allow-list, and a refusal for every other origin.</summary>
public sealed class OriginTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    [Theory]
    [InlineData("/chats/1")]
    [InlineData("/hubs/groupchat/negotiate?negotiateVersion=1")]
    [InlineData("/visitors")]
    public async Task An_allowed_origin_may_call_with_credentials(string path)
    {
        var response = await server.ClientWith(null).SendAsync(Preflight(path, ServerFactory.AllowedOrigin));
        Assert.Equal(ServerFactory.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
    }

    [Fact]
    public async Task A_foreign_origin_gets_no_CORS_grant()
    {
        var response = await server.ClientWith(null).SendAsync(Preflight("/chats/1", "https://evil.example"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("/chats/1")]
    [InlineData("/hubs/groupchat/negotiate?negotiateVersion=1")]
    [InlineData("/visitors")]
    public async Task A_foreign_origin_is_refused_before_anything_runs(string path)
    {
        var visitor = await server.NewVisitor();
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Authorization = new("Bearer", visitor.Token);
        var response = await server.ClientWith(null).SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_servers_own_origin_is_allowed_for_the_demo_pages()
    {
        var visitor = await server.NewVisitor();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/chats/{visitor.GroupId}");
        request.Headers.Add("Origin", "http://localhost");
        request.Headers.Authorization = new("Bearer", visitor.Token);
        var response = await server.ClientWith(null).SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
