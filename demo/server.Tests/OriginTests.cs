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
    public async Task A_foreign_origin_is_refused_even_with_a_Host_header_to_match_as_DNS_rebinding_sends()
    {
        var visitor = await server.NewVisitor();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/chats/{visitor.GroupId}");
        request.Headers.Add("Origin", "http://evil.example");
        request.Headers.Host = "evil.example";
        request.Headers.Authorization = new("Bearer", visitor.Token);
        var response = await server.ClientWith(null).SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_configured_origin_is_allowed_whatever_the_Host_header_says()
    {
        var visitor = await server.NewVisitor();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/chats/{visitor.GroupId}");
        request.Headers.Add("Origin", ServerFactory.AllowedOrigin);
        request.Headers.Host = "internal.example";
        request.Headers.Authorization = new("Bearer", visitor.Token);
        var response = await server.ClientWith(null).SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
