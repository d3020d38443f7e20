using SupportChat.Server.Telemetry;

namespace SupportChat.Server.Files;

/// <summary>
/// How many uploads this instance reads at once (<see cref="SupportChatOptions.MaxConcurrentUploads"/>):
/// each holds a buffer the size of its file while it is checked, so without a bound thirty parallel 10 MB
/// uploads take a gigabyte. One over is refused at once (503 with Retry-After) rather than queued: the
/// client retries, where a queue would only turn the overload into slow answers.
/// </summary>
public sealed class UploadSlots(SupportChatOptions options, SupportChatMetrics metrics) : IDisposable
{
    private readonly SemaphoreSlim slots = new(options.MaxConcurrentUploads, options.MaxConcurrentUploads);

    /// <summary>Slots not taken now.</summary>
    public int Free => slots.CurrentCount;

    /// <summary>A slot to release by disposing, or null when all are taken.</summary>
    public IDisposable? TryTake()
    {
        if (!slots.Wait(0)) return null;
        metrics.UploadReading();
        return new Slot(slots, metrics);
    }

    public void Dispose() => slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots, SupportChatMetrics metrics) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) != 0) return;
            metrics.UploadRead();
            slots.Release();
        }
    }
}
