using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Runs;

/// <summary>
/// One runner at a time, among every instance that shares the run store, for background work that each instance
/// starts on its own schedule but only one must do (the retention's purge of the store; Provisioning's reconcile).
/// On PostgreSQL a session advisory lock of the store's database: a process that dies releases it with its
/// connection, so no lease outlives its holder and none needs a timeout. On SQLite the store is the instance's own
/// and the lease only excludes the process's other runners.
/// </summary>
internal sealed class SingleRunner(IRunStore store)
{
    /// <summary>The lease of <paramref name="task"/>, or null when another runner has it now (the caller skips this turn).</summary>
    public Task<IAsyncDisposable?> TryStartAsync(string task, CancellationToken cancellationToken) =>
        store.TryLeaseAsync(task, cancellationToken);
}
