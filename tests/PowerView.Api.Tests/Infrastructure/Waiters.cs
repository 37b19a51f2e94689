using System.Collections.Concurrent;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// Things a test host saw happen (runs recorded, log events), kept in order, with a wait for the first one that
/// matches: already seen, or still to come. Waiting has a safety net of 30 s (a bound, not a pace).
/// </summary>
public sealed class Waiters<T>
    where T : class
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<T> _seen = new();
    private readonly ConcurrentDictionary<Guid, (Func<T, bool> Match, TaskCompletionSource<T> Done)> _waiters = new();

    /// <summary>Everything seen so far, oldest first.</summary>
    public IReadOnlyList<T> Seen => [.. _seen];

    public void Add(T item)
    {
        _seen.Enqueue(item);
        foreach (var (id, waiter) in _waiters)
        {
            if (waiter.Match(item) && _waiters.TryRemove(id, out _))
            {
                waiter.Done.TrySetResult(item);
            }
        }
    }

    /// <summary>The first item (seen or to come) that matches; fails the test after the safety net.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, string what)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = Guid.NewGuid();
        // Registered before looking at what was seen: an item added in between is then found by one or the other.
        _waiters[id] = (match, done);
        if (_seen.FirstOrDefault(match) is { } already && _waiters.TryRemove(id, out _))
        {
            return already;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(SafetyNet);
        await using var registration = timeout.Token.Register(() =>
        {
            if (_waiters.TryRemove(id, out _))
            {
                done.TrySetException(new TimeoutException($"no {what} within {SafetyNet.TotalSeconds:0} s; seen: {_seen.Count}"));
            }
        });
        return await done.Task;
    }
}
