using System.ComponentModel;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using PowerView.Api.Ingestion;
using PowerView.Api.Provisioning;
using PowerView.Api.Runs;

namespace PowerView.Api.Jobs;

/// <summary>
/// The provisioning's safety net, as the sweep is the ingestion's: queues a provisioning of every company folder of
/// the data root (through <see cref="ProvisionClaims"/>, so one already queued is not queued again). Over a company
/// that is complete a provisioning only reads, so it repairs what was changed by hand (a deleted datasource, a lost
/// token) and catches up on what an outage left. A Hangfire recurring job, daily, and queued at start-up: on a shared
/// job storage Hangfire's scheduler triggers each occurrence once, whatever the number of instances.
/// </summary>
internal sealed class ProvisionReconcileJob(ProvisioningRunner runner, DataLayout layout, ProvisionClaims claims, ILogger<ProvisionReconcileJob> log)
{
    public const string RecurringId = "powerview-provision-reconcile";

    /// <summary>Daily at 03:17 UTC: away from the hour, when uploads are few.</summary>
    public const string Schedule = "17 3 * * *";

    public static Job Job => Job.FromExpression<ProvisionReconcileJob>(j => j.RunAsync(CancellationToken.None));

    [Queue(JobQueues.Provision)]
    [DisplayName("Provisioning reconcile")]
    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (!runner.Configured)
        {
            log.LogInformation("Provisioning reconcile: nothing to do, provisioning is not configured");
            return Task.CompletedTask;
        }

        int found = 0, queued = 0, duplicate = 0;
        foreach (var company in CompanyFolders.OnDisk(layout))
        {
            cancellationToken.ThrowIfCancellationRequested();
            found++;
            try
            {
                if (claims.Queue(company, null, RunTrigger.Sweep).IsNew)
                {
                    queued++;
                }
                else
                {
                    duplicate++;
                }
            }
            catch (TimeoutException)
            {
                // Someone is queueing this very company right now.
                duplicate++;
            }
        }

        log.LogInformation("Provisioning reconcile: {Found} companies on disk, {Queued} queued, {Duplicate} already queued", found, queued, duplicate);
        return Task.CompletedTask;
    }
}

/// <summary>Registers the daily reconcile and queues one at start-up, when provisioning is configured; otherwise removes it.</summary>
internal sealed class ProvisionReconcileSchedule(
    ProvisioningRunner runner, IRecurringJobManager recurring, IBackgroundJobClient jobs, ILogger<ProvisionReconcileSchedule> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!runner.Configured)
        {
            // One left in a shared job storage by a configuration that had Grafana.
            recurring.RemoveIfExists(ProvisionReconcileJob.RecurringId);
            return Task.CompletedTask;
        }

        recurring.AddOrUpdate<ProvisionReconcileJob>(ProvisionReconcileJob.RecurringId, JobQueues.Provision, j => j.RunAsync(CancellationToken.None),
            ProvisionReconcileJob.Schedule, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        var id = jobs.Create(ProvisionReconcileJob.Job, new EnqueuedState(JobQueues.Provision));
        log.LogDebug("Provisioning reconcile queued at start-up as job {JobId}", id);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
