using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace SupportChat.Server.Tests;

/// <summary>
/// Waits until one of a test server's SupportChat counters has moved by a given amount, told by the meter as
/// it moves, so a test waits for what the server did rather than polling on a timer. Only that server's
/// meter is heard (its <see cref="IMeterFactory"/> is the meter's scope), not other servers in the process.
/// </summary>
public sealed class MeterWatch : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Lock gate = new();
    private readonly List<(Func<long, bool> Done, TaskCompletionSource Signal)> waiting = [];
    private long moved;

    public MeterWatch(IServiceProvider services, string instrument)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (published, subscriber) =>
        {
            if (published.Name == instrument && ReferenceEquals(published.Meter.Scope, factory)) subscriber.EnableMeasurementEvents(published);
        };
        listener.SetMeasurementEventCallback<long>((_, change, _, _) =>
        {
            lock (gate)
            {
                moved += change;
                foreach (var waiter in waiting.Where(w => w.Done(moved)).ToList())
                {
                    waiting.Remove(waiter);
                    waiter.Signal.TrySetResult();
                }
            }
        });
        listener.Start();
    }

    /// <summary>Completes once the sum of the counter's changes since this watch began satisfies <paramref name="done"/>.</summary>
    public async Task Until(Func<long, bool> done, string what)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (done(moved)) return;
            waiting.Add((done, signal));
        }
        // Only a bound for a server that never does it; the wait itself ends when the meter moves.
        try
        {
            await signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Assert.Fail(what);
        }
    }

    public void Dispose() => listener.Dispose();
}
