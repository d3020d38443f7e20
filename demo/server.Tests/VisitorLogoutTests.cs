using System.Net;
using System.Net.Http.Json;

namespace SupportChat.Server.Tests;

/// <summary>DELETE /visitors ends the cookie of POST /visitors: this browser, and any copy of the cookie, is nobody afterwards.</summary>
public sealed class VisitorLogoutTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static async Task<(VisitorAnswer Answer, string? Cookie)> Arrive(HttpClient browser, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/visitors") { Content = JsonContent.Create(new { }) };
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        var response = await browser.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var set = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Single().Split(';')[0] : null;
        return ((await response.Content.ReadFromJsonAsync<VisitorAnswer>())!, set);
    }

    [Fact]
    public async Task After_DELETE_the_cookie_is_expired_and_a_copy_of_it_names_a_new_visitor()
    {
        var browser = server.ClientWith(null);
        var (first, cookie) = await Arrive(browser);
        Assert.NotNull(cookie);
        Assert.Equal(first.UserId, (await Arrive(browser, cookie)).Answer.UserId);

        var end = new HttpRequestMessage(HttpMethod.Delete, "/visitors");
        end.Headers.Add("Cookie", cookie);
        var ended = await browser.SendAsync(end);
        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        var expired = ended.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith($"{cookie.Split('=')[0]}=;", expired);
        Assert.Contains("expires=Thu, 01 Jan 1970", expired, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/visitors", expired, StringComparison.OrdinalIgnoreCase);

        // A browser that kept the cookie anyway (or a copy of it) is a new visitor with a new conversation.
        var (again, _) = await Arrive(browser, cookie);
        Assert.NotEqual(first.UserId, again.UserId);
        Assert.NotEqual(first.GroupId, again.GroupId);
    }

    [Fact]
    public async Task DELETE_without_a_cookie_answers_204()
    {
        var response = await server.ClientWith(null).DeleteAsync("/visitors");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task An_allowed_origin_may_DELETE_with_credentials_and_a_foreign_one_is_refused()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/visitors");
        preflight.Headers.Add("Origin", ServerFactory.AllowedOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "DELETE");
        var granted = await server.ClientWith(null).SendAsync(preflight);
        Assert.Equal(ServerFactory.AllowedOrigin, granted.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", granted.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.Contains("DELETE", granted.Headers.GetValues("Access-Control-Allow-Methods").Single());

        var browser = server.ClientWith(null);
        var (first, cookie) = await Arrive(browser);
        var foreign = new HttpRequestMessage(HttpMethod.Delete, "/visitors");
        foreign.Headers.Add("Origin", "https://evil.example");
        foreign.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(foreign)).StatusCode);
        // Refused before anything ran: the cookie still names the visitor.
        Assert.Equal(first.UserId, (await Arrive(browser, cookie)).Answer.UserId);
    }
}
