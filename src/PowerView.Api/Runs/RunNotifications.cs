using System.Collections.Concurrent;

namespace PowerView.Api.Runs;

/// <summary>
/// Tells in-process listeners that a run was recorded. The service itself does not need it; it lets
/// tests and diagnostics wait for a run to finish instead of polling or sleeping.
/// </summary>
internal sealed class RunNotifications
{
    private readonly ConcurrentDictionary<Guid, (Func<RunReport, bool> Match, TaskCompletionSource<RunReport> Done)> _waiters = new();
    private readonly ConcurrentQueue<RunReport> _recent = new();

    /// <summary>The last 256 runs recorded, oldest first (a bounded window: enough to catch a run that finished just before someone started waiting).</summary>
    public IReadOnlyCollection<RunReport> Recent => _recent;

    public void Publish(RunReport report)
    {
        _recent.Enqueue(report);
        while (_recent.Count > 256 && _recent.TryDequeue(out _))
        {
        }

        foreach (var (id, waiter) in _waiters)
        {
            if (waiter.Match(report) && _waiters.TryRemove(id, out _))
            {
                waiter.Done.TrySetResult(report);
            }
        }
    }

    /// <summary>Completes with the first run (already recorded, or to come) that matches.</summary>
    public Task<RunReport> WaitForAsync(Func<RunReport, bool> match, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<RunReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = Guid.NewGuid();
        _waiters[id] = (match, done);
        var already = _recent.FirstOrDefault(match);
        if (already is not null && _waiters.TryRemove(id, out _))
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
