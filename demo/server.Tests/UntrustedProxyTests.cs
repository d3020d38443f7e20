using System.Net;
using System.Text.Json;

namespace SupportChat.Server.Tests;

/// <summary>The default: no <c>SUPPORTCHAT_TRUSTED_PROXIES</c>, and a visitor ceiling a test can reach.</summary>
public sealed class NoTrustedProxiesServer : ServerFactory
{
    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("SUPPORTCHAT_VISITOR_LIMIT_PER_IP", "3"),
        ("SUPPORTCHAT_SEND_LIMIT_PER_IP", "3"),
        // Far longer than any test, so a slow machine cannot see the window end mid-test.
        ("SUPPORTCHAT_VISITOR_WINDOW_SECONDS", "3600"),
        ("SUPPORTCHAT_SEND_WINDOW_SECONDS", "3600"),
    ];
}

/// <summary>
/// With no trusted proxy named, forwarded headers are nobody's word: an empty list of proxies must not
/// mean, as it does to ASP.NET Core's middleware, that every sender is one.
/// </summary>
public sealed class UntrustedProxyTests(NoTrustedProxiesServer server) : IClassFixture<NoTrustedProxiesServer>
{
    private Task<ServerFactory.Answer> NewVisitorFrom(string ip, params (string, string)[] headers) =>
        server.SendFrom(ip, "POST", "/visitors", json: null, token: null, headers);

    [Fact]
    public async Task Without_trusted_proxies_a_forged_X_Forwarded_For_does_not_escape_the_per_IP_visitor_ceiling()
    {
        for (var n = 0; n < 3; n++) Assert.Equal(200, (await NewVisitorFrom("10.9.9.9", ("X-Forwarded-For", $"192.0.2.{n}"))).Status);

        var refused = await NewVisitorFrom("10.9.9.9", ("X-Forwarded-For", "192.0.2.99"));
        Assert.Equal((int)HttpStatusCode.TooManyRequests, refused.Status);
        Assert.False(string.IsNullOrEmpty(refused.Headers.RetryAfter.ToString()));
    }

    [Fact]
    public async Task Without_trusted_proxies_a_forged_X_Forwarded_For_does_not_escape_the_per_IP_send_ceiling()
    {
        var visitor = JsonSerializer.Deserialize<VisitorAnswer>((await NewVisitorFrom("10.9.8.1")).Body, JsonSerializerOptions.Web)!;
        Task<ServerFactory.Answer> Send(int n) => server.SendFrom(
            "10.9.8.2", "POST", $"/chats/{visitor.GroupId}", $$"""{"message": "m{{n}}"}""", visitor.Token, ("X-Forwarded-For", $"192.0.2.{n}"));
        for (var n = 0; n < 3; n++) Assert.Equal(200, (await Send(n)).Status);

        Assert.Equal((int)HttpStatusCode.TooManyRequests, (await Send(99)).Status);
    }

    [Fact]
    public async Task Without_trusted_proxies_a_forged_X_Forwarded_Proto_gets_the_lax_cookie_that_is_not_Secure()
    {
        var cookie = (await NewVisitorFrom("10.9.9.10", ("X-Forwarded-Proto", "https"))).Headers.SetCookie.ToString().ToLowerInvariant();
        Assert.Contains("samesite=lax", cookie);
        Assert.DoesNotContain("secure", cookie);
    }

    [Fact]
    public async Task Without_trusted_proxies_a_forged_X_Forwarded_For_from_loopback_is_not_believed_either()
    {
        for (var n = 0; n < 3; n++) Assert.Equal(200, (await NewVisitorFrom("127.0.0.1", ("X-Forwarded-For", $"198.51.100.{n}"))).Status);
        Assert.Equal((int)HttpStatusCode.TooManyRequests, (await NewVisitorFrom("127.0.0.1", ("X-Forwarded-For", "198.51.100.99"))).Status);
    }
}
