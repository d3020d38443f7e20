using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Data;
using SupportChat.Server.Hubs;

namespace SupportChat.Server.Conversations;

/// <summary>The <c>ReadUpTo</c> push, and one entry of <c>readUpTo</c> in <c>GET /chats/{id}/state</c>.</summary>
public sealed record ReadUpToDto(int GroupId, int UserId, int LastId);

/// <summary>
/// Read watermarks: one stored value per (conversation, reader) that only moves forward, and a push of it to
/// the conversation at most once per reader per <see cref="SupportChatOptions.ReadPushInterval"/>. A mark
/// within the interval is not lost: the push at its end carries the newest value (coalesced), and the entry
/// is forgotten after a quiet interval, so memory holds only readers who read just now. The interval is per
/// instance; behind a backplane each instance holds its own readers to it.
/// </summary>
public sealed class ReadReceipts(IHubContext<GroupChatHub> hub, SupportChatOptions options, TimeProvider clock, ILogger<ReadReceipts> log)
{
    private readonly ConcurrentDictionary<(int GroupId, int UserId), Reader> readers = new();

    private sealed class Reader(bool agent)
    {
        public readonly bool Agent = agent;
        public int LastId;
        public int PushedId;
        public ITimer? Quiet;
        public bool Forgotten;
    }

    /// <summary>
    /// Moves the reader's mark to the newest message of the conversation at or before <paramref name="lastId"/>;
    /// the new mark, or null when it did not move (it was there already, or no message is that old).
    /// </summary>
    public async Task<int?> MoveAsync(ChatDb db, int groupId, int userId, int lastId, CancellationToken cancel)
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
                // Another tab of the same reader stored the first mark a moment ago: move that one instead.
                db.ChangeTracker.Clear();
            }
        }
        return null;
    }

    /// <summary>
    /// Announces a mark that moved: pushed now if this reader's last push in this conversation is an interval
    /// old, otherwise at the end of the interval with whatever is newest then.
    /// </summary>
    public async Task AnnounceAsync(int groupId, int userId, bool agent, int lastId)
    {
        while (true)
        {
            var reader = readers.GetOrAdd((groupId, userId), _ => new Reader(agent));
            lock (reader)
            {
                // Forgotten between the lookup and the lock: a fresh entry pushes at once, as it should.
                if (reader.Forgotten) continue;
                if (lastId <= reader.LastId) return;
                reader.LastId = lastId;
                if (reader.Quiet is not null) return;
                reader.PushedId = lastId;
                reader.Quiet = clock.CreateTimer(_ => EndOfInterval(groupId, userId, reader), null, options.ReadPushInterval, Timeout.InfiniteTimeSpan);
            }
            // Awaited here, so the caller's later pushes reach each connection after this one.
            await PushAsync(groupId, userId, agent, lastId);
            return;
        }
    }

    private void EndOfInterval(int groupId, int userId, Reader reader)
    {
        int pending;
        lock (reader)
        {
            reader.Quiet!.Dispose();
            if (reader.LastId == reader.PushedId)
            {
                reader.Forgotten = true;
                readers.TryRemove(new KeyValuePair<(int, int), Reader>((groupId, userId), reader));
                return;
            }
            pending = reader.PushedId = reader.LastId;
            reader.Quiet = clock.CreateTimer(_ => EndOfInterval(groupId, userId, reader), null, options.ReadPushInterval, Timeout.InfiniteTimeSpan);
        }
        _ = PushAsync(groupId, userId, reader.Agent, pending);
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
