using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using SupportChat.Server.Auth;

namespace SupportChat.Server.Hubs;

/// <summary>
/// A hub method that refuses throws a <see cref="HubException"/>, whose message the caller sees. SignalR
/// would log each one as an error with a stack trace (its dispatcher's log is quietened in appsettings.json
/// for that reason); here a refusal is a warning in one line, and anything else stays an error.
/// </summary>
public sealed class HubRefusals(ILogger<HubRefusals> log) : IHubFilter
{
    /// <summary>Refusals logged one by one per connection; the rest are counted, so a client cannot flood the log.</summary>
    public const int LoggedPerConnection = 5;

    private static readonly object RefusalCount = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (HubException refused)
        {
            // A connection's invocations run one at a time (MaximumParallelInvocationsPerClient is 1).
            var items = invocation.Context.Items;
            var count = (items.TryGetValue(RefusalCount, out var seen) ? (int)seen! : 0) + 1;
            items[RefusalCount] = count;
            if (count <= LoggedPerConnection)
            {
                log.LogWarning("Refused {Method} for user {UserId}: {Reason}", invocation.HubMethodName, invocation.Context.User?.UserId(), refused.Message);
            }
            if (count == LoggedPerConnection)
            {
                log.LogWarning("Further refusals on connection {ConnectionId} of user {UserId} are counted, not logged.",
                    invocation.Context.ConnectionId, invocation.Context.User?.UserId());
            }
            throw;
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            log.LogError(failed, "{Method} failed for user {UserId}.", invocation.HubMethodName, invocation.Context.User?.UserId());
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (context.Context.Items.TryGetValue(RefusalCount, out var seen) && seen is int count && count > LoggedPerConnection)
        {
            log.LogWarning("Connection {ConnectionId} of user {UserId} closed after {Count} refused calls, {Unlogged} of them not logged.",
                context.Context.ConnectionId, context.Context.User?.UserId(), count, count - LoggedPerConnection);
        }
        await next(context, exception);
    }

    /// <summary>
    /// What a caller sent, fit for a message and a log line: control characters (a newline would start a
    /// forged log line) written as escapes, and cut to a length that says enough.
    /// </summary>
    public static string Quote(string? input)
    {
        if (input is null) return "null";
        var quoted = new StringBuilder("\"");
        foreach (var c in input.Length > 40 ? input[..40] : input)
        {
            if (char.IsControl(c) || c is '"' or '\\' || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                quoted.Append(c);
            }
        }
        return quoted.Append(input.Length > 40 ? "\"…" : "\"").ToString();
    }
}
