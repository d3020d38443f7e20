using System.Collections.Concurrent;

namespace SupportChat.Server;

/// <summary>
/// Work a timer started and nobody awaits (a coalesced read mark, a heartbeat), kept until it ends, so that a
/// stopping host can wait for it rather than dispose the services under it. The work logs its own failures.
/// </summary>
internal sealed class InFlight
{
    private readonly ConcurrentDictionary<Task, byte> running = new();

    public void Add(Task work)
    {
        if (running.TryAdd(work, 0)) _ = work.ContinueWith(done => running.TryRemove(done, out _), TaskScheduler.Default);
    }

    public Task WhenAll() => Task.WhenAll(running.Keys);
}
