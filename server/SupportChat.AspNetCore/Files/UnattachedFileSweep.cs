using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Data;

namespace SupportChat.Server.Files;

/// <summary>
/// Deletes files uploaded but never attached to a message once they are older than
/// <see cref="SupportChatOptions.UnattachedFileLifetime"/> (a chip removed before sending, a tab closed, an
/// upload retried): hourly, on every instance; deleting what another instance deleted first is harmless.
/// </summary>
public sealed class UnattachedFileSweep(IServiceScopeFactory scopes, SupportChatOptions options, TimeProvider clock, ILogger<UnattachedFileSweep> log)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception failed) when (failed is not OperationCanceledException)
            {
                log.LogWarning(failed, "Sweeping unattached files failed; trying again in {Interval}", Interval);
            }
        }
    }

    /// <summary>One sweep: the number of files deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancel)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        var store = scope.ServiceProvider.GetRequiredService<IFileStore>();
        var cutoff = clock.GetUtcNow().UtcDateTime - options.UnattachedFileLifetime;
        var stale = await db.Files.Where(f => f.ChatId == null && f.CreatedAt < cutoff).Select(f => f.Id).Take(1000).ToListAsync(cancel);
        var deleted = 0;
        foreach (var id in stale)
        {
            // The row goes only if it is still unattached: a send may have claimed the file since it was listed.
            if (await db.Files.Where(f => f.Id == id && f.ChatId == null).ExecuteDeleteAsync(cancel) == 0) continue;
            await store.DeleteAsync(id, cancel);
            deleted++;
        }
        return deleted;
    }
}
