using System.Collections.Concurrent;
using System.Data.Common;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Server.Data;

namespace SupportChat.Server.Tests;

/// <summary>Every statement the database is sent, in order.</summary>
public sealed class AllStatements : DbCommandInterceptor
{
    public ConcurrentQueue<string> Sent { get; } = new();

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue(command.CommandText);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue(command.CommandText);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue(command.CommandText);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }
}

/// <summary>The server with held timers (no heartbeat writes in between), and every statement recorded.</summary>
public sealed class RecordingServer : ReadServer
{
    public AllStatements Statements { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureDbContext<SqliteChatDb>(db => db.AddInterceptors(Statements)));
    }
}

/// <summary>
/// Sending is the hot path: the workflow (reopening a resolved conversation) must not cost a visitor's every
/// message a write to its conversation's row, which on SQLite takes the database's one write lock.
/// </summary>
public sealed class SendRoundTripTests(RecordingServer server) : IClassFixture<RecordingServer>
{
    private async Task<List<string>> StatementsOf(Func<Task> request)
    {
        var before = server.Statements.Sent.Count;
        await request();
        // The presence heartbeat runs on a timer of its own, whenever it likes: not the request's.
        return [.. server.Statements.Sent.Skip(before).Where(s => !s.Contains("\"Presence\"", StringComparison.Ordinal))];
    }

    [Fact]
    public async Task A_visitors_message_in_an_open_conversation_writes_only_the_message()
    {
        var visitor = await server.NewVisitor();
        var client = server.ClientWith(visitor.Token);
        (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "first" })).EnsureSuccessStatusCode();

        var sent = await StatementsOf(async () =>
            (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "second" })).EnsureSuccessStatusCode());

        var writes = sent.Where(s => s.Contains("UPDATE", StringComparison.Ordinal) || s.Contains("INSERT", StringComparison.Ordinal) || s.Contains("DELETE", StringComparison.Ordinal)).ToList();
        Assert.True(writes.Count == 1 && writes[0].Contains("INSERT INTO \"Chats\"", StringComparison.Ordinal), string.Join("\n---\n", sent));
        // Who may post there (with its author's name for the push, in the same query), and the message.
        Assert.True(sent.Count == 2, string.Join("\n---\n", sent));
    }

    [Fact]
    public async Task A_visitors_send_with_a_clientMessageId_costs_two_round_trips_the_access_check_with_the_author_and_the_insert()
    {
        var visitor = await server.NewVisitor("Uma");
        var client = server.ClientWith(visitor.Token);
        (await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "first", clientMessageId = "rt-1" })).EnsureSuccessStatusCode();

        SendAnswer? answer = null;
        var sent = await StatementsOf(async () =>
        {
            var response = await client.PostAsJsonAsync($"/chats/{visitor.GroupId}", new { message = "second", clientMessageId = "rt-2" });
            response.EnsureSuccessStatusCode();
            answer = await response.Content.ReadFromJsonAsync<SendAnswer>();
        });

        // No look for an earlier send with this id before the insert: the unique index answers that. And no
        // read of the author after it: the access check read their name and avatar with the conversation.
        Assert.True(sent.Count == 2, string.Join("\n---\n", sent));
        Assert.Contains("INSERT INTO \"Chats\"", sent[1], StringComparison.Ordinal);
        Assert.Equal(("Uma", "second", "rt-2"), (answer!.Chat.Name, answer.Chat.Message, answer.Chat.ClientMessageId));
    }

    [Fact]
    public async Task A_new_visitors_conversation_is_pushed_to_consoles_without_reading_messages_or_ratings_it_cannot_have()
    {
        await server.NewVisitor("first, so the database is made and migrated before");
        var sent = await StatementsOf(() => server.NewVisitor("Ines"));

        Assert.DoesNotContain(sent, s => s.Contains("FROM \"Ratings\"", StringComparison.Ordinal));
        // The visitor, a look for their conversation, the conversation, and its row for the push with its owner's name.
        Assert.True(sent.Count == 5, string.Join("\n---\n", sent));
    }
}
