using Microsoft.EntityFrameworkCore;
using SupportChat.Server.Data;

namespace SupportChat.Server.Files;

/// <summary>
/// Deletes files uploaded but never attached to a message once they are older than
/// <see cref="SupportChatOptions.UnattachedFileLifetime"/> (a chip removed before sending, a tab closed, an
/// upload retried), and stored bytes that no row names (an upload that failed between saving its bytes and
/// its row, or a half-written temporary file) once they are as old. Every <see cref="Interval"/>, on every
/// instance, until nothing that old is left; deleting what another instance deleted first is harmless.
/// </summary>
public sealed class UnattachedFileSweep(IServiceScopeFactory scopes, SupportChatOptions options, TimeProvider clock, ILogger<UnattachedFileSweep> log)
    : BackgroundService
{
    /// <summary>A quarter of the lifetime, at most an hour: a file outlives its lifetime by a quarter at most.</summary>
    public TimeSpan Interval => TimeSpan.FromTicks(Math.Clamp(options.UnattachedFileLifetime.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromHours(1).Ticks));

    private const int Batch = 500;

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

    /// <summary>One sweep: the number of files deleted, rows with their bytes and bytes without a row.</summary>
    public async Task<int> SweepAsync(CancellationToken cancel)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        var store = scope.ServiceProvider.GetRequiredService<IFileStore>();
        var cutoff = clock.GetUtcNow().UtcDateTime - options.UnattachedFileLifetime;
        var deleted = 0;
        // In batches, until none is left: a burst of uploads is cleared in one sweep, however large.
        while (true)
        {
            var stale = await db.Files.Where(f => f.ChatId == null && f.CreatedAt < cutoff).Select(f => f.Id).Take(Batch).ToListAsync(cancel);
            var gone = 0;
            foreach (var id in stale)
            {
                // The row goes only if it is still unattached: a send may have claimed the file since it was listed.
                if (await db.Files.Where(f => f.Id == id && f.ChatId == null).ExecuteDeleteAsync(cancel) == 0) continue;
                await store.DeleteAsync(id, cancel);
                gone++;
            }
            deleted += gone;
            // A batch whose files were all claimed meanwhile deletes nothing; listing it again would loop.
            if (stale.Count < Batch || gone == 0) break;
        }
        return deleted + await SweepOrphansAsync(db, store, cutoff, cancel);
    }

    /// <summary>Bytes older than the cutoff that no row names; younger ones may be an upload saving its row now.</summary>
    private static async Task<int> SweepOrphansAsync(ChatDb db, IFileStore store, DateTime cutoff, CancellationToken cancel)
    {
        var deleted = 0;
        var old = new List<string>(Batch);
        async Task DeleteUnnamedAsync()
        {
            var named = await db.Files.Where(f => old.Contains(f.Id)).Select(f => f.Id).ToListAsync(cancel);
            foreach (var id in old.Except(named))
            {
                await store.DeleteAsync(id, cancel);
                deleted++;
            }
            old.Clear();
        }
        await foreach (var file in store.ListAsync(cancel))
        {
            if (file.Written.UtcDateTime >= cutoff || old.Contains(file.Id)) continue;
            old.Add(file.Id);
            if (old.Count == Batch) await DeleteUnnamedAsync();
        }
        if (old.Count > 0) await DeleteUnnamedAsync();
        return deleted;
    }
}
