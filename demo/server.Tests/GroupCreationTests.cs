using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SupportChat.Server.Tests;

/// <summary>Group creation ceilings small enough for a test to reach.</summary>
public sealed class TightGroupLimitsServer : ServerFactory
{
    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("SUPPORTCHAT_GROUP_LIMIT_PER_USER", "2"),
        ("SUPPORTCHAT_GROUP_LIMIT_PER_IP", "3"),
        // Far longer than any test, so a slow machine cannot see the window end mid-test.
        ("SUPPORTCHAT_GROUP_WINDOW_SECONDS", "3600"),
    ];
}

/// <summary><c>POST /groups</c>: what every agent is shown must not be anyone's to fill.</summary>
public sealed class GroupCreationTests(TightGroupLimitsServer server) : IClassFixture<TightGroupLimitsServer>
{
    private static int accounts;

    private async Task<string> RegisteredUser(string ip)
    {
        var n = Interlocked.Increment(ref accounts);
        var answer = await server.SendFrom(ip, "POST", "/users/register", JsonSerializer.Serialize(new { name = $"User {n}", email = $"user{n}@groups.example", password = "long-enough" }));
        Assert.Equal(200, answer.Status);
        return JsonDocument.Parse(answer.Body).RootElement.GetProperty("token").GetString()!;
    }

    private Task<ServerFactory.Answer> CreateGroup(string ip, string token, string name) =>
        server.SendFrom(ip, "POST", "/groups", JsonSerializer.Serialize(new { name }), token);

    /// <summary>A visitor's new conversations (<c>POST /visitors/conversations</c>) are listed to every agent too.</summary>
    [Fact]
    public async Task A_visitor_starting_one_conversation_after_another_is_held_to_the_same_ceiling()
    {
        const string ip = "203.0.113.77";
        var visitor = JsonDocument.Parse((await server.SendFrom(ip, "POST", "/visitors", "{}")).Body).RootElement;
        var token = visitor.GetProperty("token").GetString()!;
        var group = visitor.GetProperty("groupId").GetInt32();
        var hello = JsonSerializer.Serialize(new { message = "hello" });
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(200, (await server.SendFrom(ip, "POST", $"/chats/{group}", hello, token)).Status);
            var started = await server.SendFrom(ip, "POST", "/visitors/conversations", null, token);
            Assert.Equal(200, started.Status);
            group = JsonDocument.Parse(started.Body).RootElement.GetProperty("groupId").GetInt32();
        }
        Assert.Equal(200, (await server.SendFrom(ip, "POST", $"/chats/{group}", hello, token)).Status);

        var refused = await server.SendFrom(ip, "POST", "/visitors/conversations", null, token);
        Assert.Equal(429, refused.Status);
        Assert.True(int.Parse(refused.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("Too many new conversations", JsonDocument.Parse(refused.Body).RootElement.GetProperty("detail").GetString());
        // The conversation it has stays its own, and it may go on writing there.
        Assert.Equal(200, (await server.SendFrom(ip, "POST", $"/chats/{group}", hello, token)).Status);
    }

    private static void AssertTooManyWithProblem(ServerFactory.Answer answer)
    {
        Assert.Equal((int)HttpStatusCode.TooManyRequests, answer.Status);
        Assert.InRange(int.Parse(answer.Headers.RetryAfter.ToString()), 1, 3600);
        Assert.StartsWith("application/problem+json", answer.Headers.ContentType.ToString());
        Assert.Contains("Wait", JsonDocument.Parse(answer.Body).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_visitor_creating_a_group_is_refused_with_403_and_agents_are_not_shown_it()
    {
        var visitor = await server.NewVisitor();
        var refused = await CreateGroup("10.5.0.1", visitor.Token, "URGENT refund #1");

        Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);
        Assert.StartsWith("application/problem+json", refused.Headers.ContentType.ToString());
        Assert.Contains("POST /visitors", JsonDocument.Parse(refused.Body).RootElement.GetProperty("detail").GetString());
        var listed = await server.ClientWith(await server.AgentToken()).GetFromJsonAsync<JsonElement>("/groups?limit=100");
        Assert.DoesNotContain(listed.GetProperty("groups").EnumerateArray(), g => g.GetProperty("name").GetString() == "URGENT refund #1");
    }

    [Fact]
    public async Task Creating_more_groups_than_the_per_user_ceiling_is_refused_with_429()
    {
        var token = await RegisteredUser("10.5.1.1");
        Assert.Equal(200, (await CreateGroup("10.5.1.1", token, "first")).Status);
        Assert.Equal(200, (await CreateGroup("10.5.1.2", token, "second")).Status);

        AssertTooManyWithProblem(await CreateGroup("10.5.1.3", token, "third"));
    }

    [Fact]
    public async Task Creating_groups_through_many_accounts_from_one_IP_is_refused_past_the_per_IP_ceiling()
    {
        var first = await RegisteredUser("10.5.2.1");
        var second = await RegisteredUser("10.5.2.1");
        Assert.Equal(200, (await CreateGroup("10.5.2.1", first, "a")).Status);
        Assert.Equal(200, (await CreateGroup("10.5.2.1", first, "b")).Status);
        Assert.Equal(200, (await CreateGroup("10.5.2.1", second, "c")).Status);

        AssertTooManyWithProblem(await CreateGroup("10.5.2.1", second, "d"));
        // A refused attempt still counts against the account (like sign-in attempts), so another one shows the network's own count.
        Assert.Equal(200, (await CreateGroup("10.5.2.2", await RegisteredUser("10.5.2.2"), "from another network")).Status);
    }
}
