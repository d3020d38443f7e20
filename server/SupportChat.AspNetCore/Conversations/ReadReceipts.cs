using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Data;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Conversations;

/// <summary>The <c>ReadUpTo</c> push, and one entry of <c>readUpTo</c> in <c>GET /chats/{id}/state</c>.</summary>
public sealed record ReadUpToDto(int GroupId, int UserId, int LastId);

/// <summary>
/// Read watermarks: one stored value per (conversation, reader) that only moves forward. A reader's first mark
/// is stored and pushed at once; marks within the next <see cref="SupportChatOptions.ReadPushInterval"/> are
/// only remembered, and the newest of them is stored and pushed at its end (coalesced). So a reader costs the
/// database at most one write per interval however often a client calls (a flood of 10,000 is two writes), and
/// no mark is lost. The entry is forgotten after a quiet interval, so memory holds only readers who read just
/// now. The interval is per instance; behind a backplane each instance holds its own readers to it.
/// A hosted service for its stop only: the marks still waiting for their interval's end are stored then.
/// </summary>
public sealed class ReadReceipts(
    IHubContext<GroupChatHub> hub, IServiceScopeFactory scopes, SupportChatOptions options, TimeProvider clock, ILogger<ReadReceipts> log)
    : IHostedService
{
    private readonly ConcurrentDictionary<(int GroupId, int UserId), Reader> readers = new();
    private readonly InFlight storing = new();
    private readonly Lock stopLock = new();
    private Task? stopping;

    private sealed class Reader(bool agent)
    {
        public readonly bool Agent = agent;

        /// <summary>The newest mark asked for within the current interval, stored at its end; 0 when none.</summary>
        public int Pending;
        public ITimer? Quiet;
        public bool Forgotten;
    }

    /// <summary>
    /// The reader has seen <paramref name="groupId"/> up to <paramref name="lastId"/>: stored and pushed now when
    /// this reader's last write here is an interval old, otherwise at the end of the interval with whatever is
    /// newest then. Awaited, so the caller's later pushes reach each connection after this one.
    /// </summary>
    public async Task MarkAsync(ChatDb db, int groupId, int userId, bool agent, int lastId, CancellationToken cancel)
    {
        while (true)
        {
            var reader = readers.GetOrAdd((groupId, userId), _ => new Reader(agent));
            lock (reader)
            {
                // Forgotten between the lookup and the lock: a fresh entry writes at once, as it should.
                if (reader.Forgotten) continue;
                if (reader.Quiet is not null)
                {
                    reader.Pending = Math.Max(reader.Pending, lastId);
                    return;
                }
                reader.Quiet = clock.CreateTimer(_ => EndOfInterval(groupId, userId, reader), null, options.ReadPushInterval, Timeout.InfiniteTimeSpan);
            }
            await MoveAndPushAsync(db, groupId, userId, agent, lastId, cancel);
            return;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The host stops (after its server, so no mark arrives any more): each mark waiting for its interval's end
    /// is stored now, and its timer disposed, which would otherwise fire into a container that is gone and
    /// lose the mark with a warning.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        // A host can be stopped twice at once: the app's Run stops it as soon as its lifetime says stopping, while
        // whoever asked (a test, a Windows service) is stopping it too. Each waits for the same stores; a second
        // call that found nothing left would let its caller dispose the services under the first's writes.
        lock (stopLock) return stopping ??= StoreWaitingAsync();
    }

    private Task StoreWaitingAsync()
    {
        foreach (var ((groupId, userId), reader) in readers)
        {
            int pending;
            lock (reader)
            {
                reader.Quiet?.Dispose();
                reader.Forgotten = true;
                pending = reader.Pending;
                reader.Pending = 0;
            }
            readers.TryRemove(new KeyValuePair<(int, int), Reader>((groupId, userId), reader));
            if (pending > 0) storing.Add(StoreLaterAsync(groupId, userId, reader.Agent, pending));
        }
        // With the stores that intervals ended just before the stop began.
        return storing.WhenAll();
    }

    private void EndOfInterval(int groupId, int userId, Reader reader)
    {
        int pending;
        lock (reader)
        {
            reader.Quiet!.Dispose();
            if (reader.Pending == 0)
            {
                reader.Forgotten = true;
                readers.TryRemove(new KeyValuePair<(int, int), Reader>((groupId, userId), reader));
                return;
            }
            pending = reader.Pending;
            reader.Pending = 0;
            reader.Quiet = clock.CreateTimer(_ => EndOfInterval(groupId, userId, reader), null, options.ReadPushInterval, Timeout.InfiniteTimeSpan);
            // Counted while the lock is held, so a stop that takes it next finds this mark's store to wait for. Run
            // outside it: SQLite's "async" calls are synchronous, and this reader's next mark would wait on the lock.
            storing.Add(Task.Run(() => StoreLaterAsync(groupId, userId, reader.Agent, pending)));
        }
    }

    /// <summary>A mark remembered past its request: stored with a database of its own, since the hub call's is gone.</summary>
    private async Task StoreLaterAsync(int groupId, int userId, bool agent, int lastId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await MoveAndPushAsync(scope.ServiceProvider.GetRequiredService<ChatDb>(), groupId, userId, agent, lastId, CancellationToken.None);
        }
        catch (Exception error)
        {
            // The reader's next mark carries this one: marks only move forward.
            log.LogWarning(error, "Could not store the read mark of user {UserId} in conversation {GroupId}.", userId, groupId);
        }
    }

    private async Task MoveAndPushAsync(ChatDb db, int groupId, int userId, bool agent, int lastId, CancellationToken cancel)
    {
        if (await MoveAsync(db, groupId, userId, lastId, cancel) is { } mark) await PushAsync(groupId, userId, agent, mark);
    }

    /// <summary>
    /// Moves the reader's mark to the newest message of the conversation at or before <paramref name="lastId"/>;
    /// the new mark, or null when it did not move (it was there already, or no message is that old).
    /// </summary>
    private async Task<int?> MoveAsync(ChatDb db, int groupId, int userId, int lastId, CancellationToken cancel)
    {
        // A client's claim is held to the conversation's own messages: no mark past what exists, or in another's ids.
        var newest = await db.Chats.Where(c => c.GroupId == groupId && c.Id <= lastId).MaxAsync(c => (int?)c.Id, cancel);
        if (newest is not { } mark) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var moved = await db.ReadMarks.Where(m => m.GroupId == groupId && m.UserId == userId && m.LastId < mark)
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.LastId, mark).SetProperty(x => x.UpdatedAt, now), cancel);
            if (moved > 0) return mark;
            if (await db.ReadMarks.AnyAsync(m => m.GroupId == groupId && m.UserId == userId, cancel)) return null;
            db.ReadMarks.Add(new ReadMark { GroupId = groupId, UserId = userId, LastId = mark, UpdatedAt = now });
            try
            {
                await db.SaveChangesAsync(cancel);
                return mark;
            }
            catch (DbUpdateException)
            {
                // Another tab of the same reader stored the first mark a moment ago: move that one instead. A busy
                // or failing database throws the same type: with no mark there, it is thrown on, to the warning above.
                db.ChangeTracker.Clear();
                if (!await db.ReadMarks.AnyAsync(m => m.GroupId == groupId && m.UserId == userId, CancellationToken.None)) throw;
            }
        }
        return null;
    }

    private async Task PushAsync(int groupId, int userId, bool agent, int lastId)
    {
        // Agents' receipts hidden from visitors go to the agents in the conversation only.
        var audience = agent && !options.AgentReceipts ? GroupChatHub.AgentsIn(groupId) : GroupChatHub.GroupName(groupId);
        try
        {
            await hub.Clients.Group(audience).SendAsync(GroupChatHub.ReadUpTo, new ReadUpToDto(groupId, userId, lastId), CancellationToken.None);
        }
        catch (Exception error)
        {
            // The mark is stored; a reader's next mark, or the state's readUpTo, tells the rest.
            log.LogWarning(error, "Could not push ReadUpTo for user {UserId} in conversation {GroupId}.", userId, groupId);
        }
    }

    /// <summary>The marks in <paramref name="groupId"/> a caller may see: all for an agent; agents' only when receipts are shown.</summary>
    public async Task<List<ReadUpToDto>> VisibleAsync(ChatDb db, int groupId, bool toAgent, CancellationToken cancel)
    {
        var hideAgents = !toAgent && !options.AgentReceipts;
        return await db.ReadMarks.AsNoTracking()
            .Where(m => m.GroupId == groupId)
            .Where(m => !hideAgents || !db.Users.Any(u => u.Id == m.UserId && u.Role == Roles.Agent))
            .OrderBy(m => m.UserId)
            .Select(m => new ReadUpToDto(m.GroupId, m.UserId, m.LastId))
            .ToListAsync(cancel);
    }
}
