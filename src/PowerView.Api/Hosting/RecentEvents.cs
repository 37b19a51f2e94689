using System.Collections.Concurrent;

namespace PowerView.Api.Hosting;

/// <summary>
/// Lets in-process listeners wait for something the service did (a run recorded, a sweep or a purge ended)
/// instead of polling or sleeping. The service itself does not need it; tests and diagnostics do. Keeps a
/// bounded window of the latest events, enough to catch one that happened just before someone started waiting.
/// </summary>
internal sealed class RecentEvents<T>(int capacity)
    where T : class
{
    private readonly ConcurrentDictionary<Guid, (Func<T, bool> Match, TaskCompletionSource<T> Done)> _waiters = new();
    private readonly ConcurrentQueue<T> _recent = new();

    /// <summary>The latest events, oldest first.</summary>
    public IReadOnlyCollection<T> Recent => _recent;

    public void Publish(T item)
    {
        _recent.Enqueue(item);
        while (_recent.Count > capacity && _recent.TryDequeue(out _))
        {
        }

        foreach (var (id, waiter) in _waiters)
        {
            if (waiter.Match(item) && _waiters.TryRemove(id, out _))
            {
                waiter.Done.TrySetResult(item);
            }
        }
    }

    /// <summary>Completes with the first event (already published, or to come) that matches.</summary>
    public Task<T> WaitForAsync(Func<T, bool> match, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = Guid.NewGuid();
        // Registered before looking at the window: an event published in between is then seen by one or the other.
        _waiters[id] = (match, done);
        if (_recent.FirstOrDefault(match) is { } already && _waiters.TryRemove(id, out _))
        {
            done.TrySetResult(already);
        }

        cancellationToken.Register(() =>
        {
            if (_waiters.TryRemove(id, out _))
            {
                done.TrySetCanceled(cancellationToken);
            }
        });
        return done.Task;
    }
}
