using System.Collections.Concurrent;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// A Hangfire state filter registered in a test host (the host adds every <see cref="IApplyStateFilter"/> service
/// to its jobs): lets a test wait for a job to reach a state. The filter runs inside the storage transaction that
/// applies the state, just before it is committed, so <see cref="WaitForAsync"/> returns only once the storage's
/// history shows the state too (what the service's claims read); the state's own data is here (<see cref="Applied"/>).
/// </summary>
internal sealed class JobStates : IApplyStateFilter
{
    private readonly ConcurrentQueue<(string JobId, string State, IState Data)> _applied = new();
    private readonly ConcurrentDictionary<Guid, (Func<string, string, bool> Match, TaskCompletionSource<string> Done)> _waiters = new();

    private volatile JobStorage? _storage;

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        _storage ??= context.Storage;
        var (jobId, state) = (context.BackgroundJob.Id, context.NewState.Name);
        _applied.Enqueue((jobId, state, context.NewState));
        foreach (var (id, waiter) in _waiters)
        {
            if (waiter.Match(jobId, state) && _waiters.TryRemove(id, out _))
            {
                waiter.Done.TrySetResult(jobId);
            }
        }
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }

    /// <summary>The last state of this name applied to the job (the object Hangfire applied, with its properties).</summary>
    public IState Applied(string jobId, string state) => _applied.Last(a => a.JobId == jobId && a.State == state).Data;

    /// <summary>Completes with the id of the first job (already seen or to come) that reaches <paramref name="state"/>.</summary>
    public async Task<string> WaitForAsync(string state, string? jobId = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        bool Match(string id, string s) => s == state && (jobId is null || id == jobId);
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = Guid.NewGuid();
        _waiters[key] = (Match, done);
        if (_applied.FirstOrDefault(a => Match(a.JobId, a.State)) is { JobId: not null } seen && _waiters.TryRemove(key, out _))
        {
            done.TrySetResult(seen.JobId);
        }

        await using var registration = timeout.Token.Register(() =>
        {
            if (_waiters.TryRemove(key, out _))
            {
                done.TrySetCanceled(timeout.Token);
            }
        });
        var id = await done.Task;

        // The filter runs inside the transaction that applies the state: until it commits, the storage (which the
        // service's claims read) still shows the job's previous state. Wait for the commit itself.
        while (_storage?.GetMonitoringApi().JobDetails(id)?.History.Any(h => h.StateName == state) != true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
        }

        return id;
    }
}
