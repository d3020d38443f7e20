using System.Collections.Concurrent;

namespace SupportChat.Server.Hubs;

/// <summary>
/// Counts each user's open hub connections on this instance, so one token cannot open a hundred sockets
/// (every one of them a push to fan out). The cap is per instance: behind a balancer, a user could hold
/// the cap on each.
/// </summary>
public sealed class ConnectionsPerUser
{
    private readonly ConcurrentDictionary<int, int> open = new();

    /// <summary>Counts one more for the user, unless that would pass the cap.</summary>
    public bool TryAdd(int userId, int cap)
    {
        while (true)
        {
            var count = open.GetOrAdd(userId, 0);
            if (count >= cap) return false;
            if (open.TryUpdate(userId, count + 1, count)) return true;
        }
    }

    public void Remove(int userId)
    {
        while (true)
        {
            if (!open.TryGetValue(userId, out var count)) return;
            if (count <= 1 ? open.TryRemove(new KeyValuePair<int, int>(userId, count)) : open.TryUpdate(userId, count - 1, count)) return;
        }
    }
}
