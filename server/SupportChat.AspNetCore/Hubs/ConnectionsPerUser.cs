using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using SupportChat.Server.Auth;
using SupportChat.Server.Telemetry;

namespace SupportChat.Server.Hubs;

/// <summary>
/// Counts each user's open hub connections on this instance, so one token cannot open a hundred sockets
/// (every one of them a push to fan out). The cap is per instance: behind a balancer, a user could hold
/// the cap on each.
/// </summary>
public sealed class ConnectionsPerUser
{
    private readonly ConcurrentDictionary<int, int> open = new();

    /// <summary>How many the user holds now.</summary>
    public int Count(int userId) => open.GetValueOrDefault(userId);

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

public static class ConnectionCap
{
    /// <summary>
    /// A user at the cap is refused at the negotiate step with a 429 problem, which the client reports as
    /// an HTTP error instead of a connection that opens and drops. The hub enforces the cap again when a
    /// connection opens, for races and for clients that skip negotiation.
    /// </summary>
    public static void UseConnectionCap(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var endpoint = http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<HubMetadata>()?.HubType == typeof(GroupChatHub)
            && endpoint.Metadata.GetMetadata<NegotiateMetadata>() is not null
            && http.User.UserId() is { } userId)
        {
            var options = http.RequestServices.GetRequiredService<SupportChatOptions>();
            if (http.RequestServices.GetRequiredService<ConnectionsPerUser>().Count(userId) >= options.MaxConnectionsPerUser)
            {
                http.RequestServices.GetService<SupportChatMetrics>()?.RateLimited(http.Request.Path);
                return TypedResults.Problem(
                        $"You have {options.MaxConnectionsPerUser} connections open already. Close one and try again.",
                        statusCode: StatusCodes.Status429TooManyRequests,
                        title: "Too many open connections.")
                    .ExecuteAsync(http);
            }
        }
        return next(http);
    });
}
