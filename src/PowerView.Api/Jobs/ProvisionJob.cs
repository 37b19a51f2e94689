using System.ComponentModel;
using System.Reflection;
using Hangfire;
using Hangfire.Common;
using Hangfire.Server;
using PowerView.Api.Provisioning;
using PowerView.Api.Runs;

namespace PowerView.Api.Jobs;

/// <summary>
/// Hangfire job: provisions a company (or one of its campaigns), queued by a mkdir of <c>&lt;company&gt;</c> or
/// <c>&lt;company&gt;/&lt;campaign&gt;</c>, by the first upload of a company or campaign not yet provisioned, and by the
/// reconcile (<see cref="ProvisionClaims"/> keeps it to one queued job each). The run itself is Provisioning's
/// (<see cref="ProvisioningRunner"/>: skipped without Grafana or InfluxDB, else a <c>success</c> or <c>error</c> run);
/// here it is held to one at a time per company across instances by the job storage's lock (the provisioner's own lock
/// only covers this process), and a failure is thrown again so that Hangfire retries with the back-off of
/// <c>Jobs:RetryDelaysSeconds</c>, each try a run of its own (trigger <c>retry</c>).
/// </summary>
internal sealed class ProvisionJob(ProvisioningRunner runner, JobStorage storage)
{
    /// <summary>Another instance's provisioning of the same company: waited for (it takes seconds), then retried.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(5);

    private static readonly MethodInfo Run = typeof(ProvisionJob).GetMethod(nameof(RunAsync),
        [typeof(string), typeof(string), typeof(RunTrigger), typeof(PerformContext), typeof(CancellationToken)])!;

    public static Job For(string company, string? campaign, RunTrigger trigger) =>
        new(typeof(ProvisionJob), Run, company, campaign, trigger, null, CancellationToken.None);

    [Queue(JobQueues.Provision)]
    [DisplayName("Provision {0}/{1} ({2})")]
    public async Task RunAsync(string company, string? campaign, RunTrigger trigger, PerformContext? context, CancellationToken cancellationToken)
    {
        var retry = context?.GetJobParameter<int>("RetryCount") ?? 0;
        ProvisioningRunOutcome outcome;
        using (var connection = storage.GetConnection())
        using (ProvisionClaims.AcquireLock(connection, ProvisionClaims.CompanyLock(company), LockWait))
        {
            outcome = await runner.RunAsync(company, campaign, retry > 0 ? RunTrigger.Retry : trigger, cancellationToken);
        }

        if (outcome.Retryable)
        {
            throw new ProvisioningFailedException($"provisioning {company}/{campaign} failed at step '{outcome.Run.Step}' (try {retry + 1}): {outcome.Run.Error}",
                outcome.Failure!);
        }
    }

    /// <summary>The job as releases before the provisioning queued it (mkdir only): still runs after an upgrade on a shared job storage.</summary>
    [Queue(JobQueues.Provision)]
    [DisplayName("Provision {0}/{1}")]
    public Task RunAsync(string company, string? campaign, CancellationToken cancellationToken) =>
        RunAsync(company, campaign, RunTrigger.Hook, null, cancellationToken);
}

/// <summary>A provisioning step failed (recorded as an <c>error</c> run): a failure Hangfire retries.</summary>
internal sealed class ProvisioningFailedException(string message, Exception inner) : Exception(message, inner);
