using System.Net;
using System.Net.Http.Json;

namespace SupportChat.Server.Tests;

/// <summary>Who may read and post where: a visitor in their own conversations, an agent in all.</summary>
public sealed class AccessTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task Without_a_token_nothing_is_readable()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/chats/{visitor.GroupId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/groups")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "x" })).StatusCode);
    }

    [Fact]
    public async Task A_visitor_can_neither_read_nor_post_in_another_visitors_conversation()
    {
        var owner = await server.NewVisitor();
        var intruder = await server.NewVisitor();
        var client = server.ClientWith(intruder.Token);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/chats/{owner.GroupId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/chats/{owner.GroupId}", new { message = "hi" })).StatusCode);
        Assert.Empty((await server.ClientWith(owner.Token).GetFromJsonAsync<ChatsAnswer>($"/chats/{owner.GroupId}"))!.Chats);
    }

    [Fact]
    public async Task An_agent_reads_and_answers_in_every_conversation()
    {
        var visitor = await server.NewVisitor();
        var agent = server.ClientWith(await server.AgentToken());
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "How can I help?" })).StatusCode);
        var history = await server.ClientWith(visitor.Token).GetFromJsonAsync<ChatsAnswer>($"/chats/{visitor.GroupId}");
        Assert.Equal("How can I help?", Assert.Single(history!.Chats).Message);
    }

    [Fact]
    public async Task Groups_list_only_a_visitors_own_conversation_but_every_one_for_an_agent()
    {
        var a = await server.NewVisitor();
        var b = await server.NewVisitor();

        var own = await server.ClientWith(a.Token).GetFromJsonAsync<GroupsAnswer>("/groups");
        Assert.Equal([a.GroupId], own!.Groups.Select(g => g.Id));

        var all = await server.ClientWith(await server.AgentToken()).GetFromJsonAsync<GroupsAnswer>("/groups");
        Assert.Contains(a.GroupId, all!.Groups.Select(g => g.Id));
        Assert.Contains(b.GroupId, all.Groups.Select(g => g.Id));
    }

    [Fact]
    public async Task A_group_a_registered_user_creates_is_theirs_alone()
    {
        var registered = await server.ClientWith(null).PostAsJsonAsync("/users/register", new { name = "Rita", email = "rita@example.com", password = "long-enough" });
        var creator = (await registered.Content.ReadFromJsonAsync<TokenAnswer>())!;
        var other = await server.NewVisitor();
        var created = await server.ClientWith(creator.Token).PostAsJsonAsync("/groups", new { name = "Returns" });
        var group = (await created.Content.ReadFromJsonAsync<CreateGroupAnswer>())!.Group;

        Assert.Equal(HttpStatusCode.OK, (await server.ClientWith(creator.Token).GetAsync($"/chats/{group.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.ClientWith(other.Token).GetAsync($"/chats/{group.Id}")).StatusCode);
    }

    [Fact]
    public async Task A_forged_token_is_refused()
    {
        var visitor = await server.NewVisitor();
        var parts = visitor.Token.Split('.');
        var forged = $"{parts[0]}.{parts[1]}.{new string('A', parts[2].Length)}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.ClientWith(forged).GetAsync($"/chats/{visitor.GroupId}")).StatusCode);
    }

    [Fact]
    public async Task The_access_token_query_string_is_accepted_on_the_hub_path_only()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(null);
        var negotiate = await client.PostAsync($"/hubs/groupchat/negotiate?negotiateVersion=1&access_token={visitor.Token}", null);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        var rest = await client.GetAsync($"/chats/{visitor.GroupId}?access_token={visitor.Token}");
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
    }

    public sealed record GroupAnswer(int Id, string Name, int? OwnerUserId);

    public sealed record GroupsAnswer(List<GroupAnswer> Groups);

    public sealed record CreateGroupAnswer(bool Success, GroupAnswer Group);
}
