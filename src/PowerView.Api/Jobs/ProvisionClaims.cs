using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using PowerView.Api.Runs;

namespace PowerView.Api.Jobs;

/// <summary>
/// "At most one queued provisioning per company or campaign", across hook events, first uploads, the reconcile and
/// instances sharing a job storage: as <see cref="FileClaims"/> does for files, a claim is a hash in the Hangfire
/// storage naming the job that will provision <c>company</c> or <c>company/campaign</c>, written under the storage's
/// distributed lock. It counts while its job is queued, scheduled for a retry or running; a job that ended, failed for
/// good or expired leaves a stale claim that the next request simply replaces. So a burst of uploads into a new
/// campaign queues one provisioning, and a provisioning that failed for good is queued again by the next upload.
/// </summary>
internal sealed class ProvisionClaims(JobStorage storage, IBackgroundJobClient jobs)
{
    private const string JobField = "job";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    // A claim outlives any retry chain (Jobs:RetryDelaysSeconds) and then disappears on its own.
    private static readonly TimeSpan ClaimLifetime = TimeSpan.FromDays(2);

    private static readonly HashSet<string> LiveStates = new(StringComparer.OrdinalIgnoreCase)
    {
        EnqueuedState.StateName, ScheduledState.StateName, ProcessingState.StateName, AwaitingState.StateName,
    };

    /// <summary>Queues the provisioning of a company (or of one of its campaigns) unless a job already has it.</summary>
    /// <exception cref="TimeoutException">Another request held the claim's lock for too long: it is deciding for it.</exception>
    public QueueAnswer Queue(string company, string? campaign, RunTrigger trigger)
    {
        var key = Key(company, campaign);
        using var connection = storage.GetConnection();
        if (ClaimedBy(connection, key) is { } claimed && IsLive(connection, claimed))
        {
            return new QueueAnswer(false, claimed);
        }

        using var locked = AcquireLock(connection, key);
        if (ClaimedBy(connection, key) is { } existing && IsLive(connection, existing))
        {
            return new QueueAnswer(false, existing);
        }

        var jobId = jobs.Create(ProvisionJob.For(company, campaign, trigger), new EnqueuedState(JobQueues.Provision));
        using var transaction = connection.CreateWriteTransaction();
        transaction.SetRangeInHash(key, [new KeyValuePair<string, string>(JobField, jobId)]);
        if (transaction is JobStorageTransaction expiring)
        {
            expiring.ExpireHash(key, ClaimLifetime);
        }

        transaction.Commit();
        return new QueueAnswer(true, jobId);
    }

    /// <summary>The storage key (and lock name) of a claim: bounded length whatever the names.</summary>
    public static string Key(string company, string? campaign) =>
        "powerview:provision-claim:" + Hash(campaign is null ? company : company + "/" + campaign);

    /// <summary>The storage's lock that lets one provisioning of a company run at a time across instances.</summary>
    public static string CompanyLock(string company) => "powerview:provision:" + Hash(company);

    /// <summary>Takes a storage lock, translating the storages' own timeouts into one exception.</summary>
    public static IDisposable AcquireLock(IStorageConnection connection, string resource, TimeSpan? timeout = null)
    {
        var wait = timeout ?? LockTimeout;
        try
        {
            return connection.AcquireDistributedLock(resource, wait);
        }
        catch (Exception ex) when (ex is DistributedLockTimeoutException or Hangfire.PostgreSql.PostgreSqlDistributedLockException)
        {
            throw new TimeoutException($"the lock {resource} stayed taken for {wait.TotalSeconds:0} s", ex);
        }
    }

    private static string Hash(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static string? ClaimedBy(IStorageConnection connection, string key) =>
        connection.GetAllEntriesFromHash(key)?.GetValueOrDefault(JobField);

    private static bool IsLive(IStorageConnection connection, string jobId) =>
        connection.GetStateData(jobId)?.Name is { } state && LiveStates.Contains(state);
}
