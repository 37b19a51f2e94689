using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using PowerView.Api.Runs;

namespace PowerView.Api.Jobs;

/// <summary>
/// "At most one run per file at a time" across hook events, retries and sweeps, and across instances
/// sharing a job storage: a file's claim is a hash in the Hangfire storage naming the job that will ingest
/// it. A live claim is answered without a lock; a new one is written under an in-process lock for the file
/// and then the storage's distributed lock. A claim counts while its job is queued, scheduled for a retry
/// or running; a claim whose job ended, failed for good or expired is stale and is simply replaced. The job
/// frees its claim once the file has moved, and its last state change does too (<see cref="ReleaseFileClaimAttribute"/>).
/// </summary>
internal sealed class FileClaims(JobStorage storage, IBackgroundJobClient jobs)
{
    private const string JobField = "job";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim[] _local = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    // A claim outlives any retry chain (see Jobs:RetryDelaysSeconds) and then disappears on its own.
    private static readonly TimeSpan ClaimLifetime = TimeSpan.FromDays(2);

    private static readonly HashSet<string> LiveStates = new(StringComparer.OrdinalIgnoreCase)
    {
        EnqueuedState.StateName, ScheduledState.StateName, ProcessingState.StateName, AwaitingState.StateName,
    };

    /// <summary>Queues the ingestion of a file unless a job already has it.</summary>
    /// <param name="relativePath">The file's path relative to the data root (the job's argument and the claim's name).</param>
    /// <param name="fullPath">Where it is: checked again once the claim is ours, since waiting for the lock can take a while.</param>
    /// <param name="fileSize">The size the upload event said, checked by the run (a file of another size is still being written).</param>
    /// <returns>null when the file was gone by then.</returns>
    /// <exception cref="TimeoutException">Another request held the file's lock for too long.</exception>
    public QueueAnswer? QueueIngestion(string relativePath, string fullPath, RunTrigger trigger, long? fileSize = null)
    {
        var key = Key(relativePath);
        using var connection = storage.GetConnection();

        // Most repeated events find a live claim: answered without any lock.
        if (ClaimedBy(connection, key) is { } claimed && IsLive(connection, claimed))
        {
            return new QueueAnswer(false, claimed);
        }

        // Requests of this process for the same file wait here, cheaply; the storage's lock (which PostgreSQL polls
        // once a second) then only separates instances.
        var local = _local[(int)((uint)StringComparer.Ordinal.GetHashCode(relativePath) % (uint)_local.Length)];
        if (!local.Wait(LockTimeout))
        {
            throw new TimeoutException($"the claim of {relativePath} stayed locked for {LockTimeout.TotalSeconds:0} s");
        }

        try
        {
            using var locked = AcquireLock(connection, key);
            if (ClaimedBy(connection, key) is { } existing && IsLive(connection, existing))
            {
                return new QueueAnswer(false, existing);
            }

            if (!File.Exists(fullPath))
            {
                return null;
            }

            var jobId = jobs.Create(IngestFileJob.For(relativePath, trigger, fileSize), new EnqueuedState(JobQueues.Ingest));
            using var transaction = connection.CreateWriteTransaction();
            transaction.SetRangeInHash(key, [new KeyValuePair<string, string>(JobField, jobId)]);
            if (transaction is JobStorageTransaction expiring)
            {
                expiring.ExpireHash(key, ClaimLifetime);
            }

            transaction.Commit();
            return new QueueAnswer(true, jobId);
        }
        finally
        {
            local.Release();
        }
    }

    /// <summary>
    /// Frees the claim as soon as the file has left its place (moved to parsed/ or error/), before the job's own
    /// end: a new upload of the same name arriving meanwhile is then queued instead of answered "duplicate".
    /// </summary>
    public void Release(string relativePath, string jobId)
    {
        using var connection = storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        Release(connection, transaction, relativePath, jobId);
        transaction.Commit();
    }

    /// <summary>The storage key of a file's claim (also its lock name): bounded length whatever the path.</summary>
    public static string Key(string relativePath) =>
        "powerview:claim:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(relativePath)));

    /// <summary>Removes the claim if it still names this job (called inside the job's state transaction).</summary>
    public static void Release(IStorageConnection connection, IWriteOnlyTransaction transaction, string relativePath, string jobId)
    {
        var key = Key(relativePath);
        if (ClaimedBy(connection, key) == jobId)
        {
            transaction.RemoveHash(key);
        }
    }

    private static IDisposable AcquireLock(IStorageConnection connection, string key)
    {
        try
        {
            return connection.AcquireDistributedLock(key, LockTimeout);
        }
        catch (Exception ex) when (ex is DistributedLockTimeoutException or Hangfire.PostgreSql.PostgreSqlDistributedLockException)
        {
            throw new TimeoutException($"the claim lock {key} stayed taken for {LockTimeout.TotalSeconds:0} s", ex);
        }
    }

    private static string? ClaimedBy(IStorageConnection connection, string key) =>
        connection.GetAllEntriesFromHash(key)?.GetValueOrDefault(JobField);

    private static bool IsLive(IStorageConnection connection, string jobId) =>
        connection.GetStateData(jobId)?.Name is { } state && LiveStates.Contains(state);
}
