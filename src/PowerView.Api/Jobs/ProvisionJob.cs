using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Options;
using PowerView.Api.Runs;

namespace PowerView.Api.Jobs;

/// <summary>
/// Hangfire job queued by a mkdir of <c>&lt;company&gt;</c> or <c>&lt;company&gt;/&lt;campaign&gt;</c>. Until Grafana
/// provisioning is built, and whenever Grafana is not configured, it records a <c>skipped</c> provisioning
/// run that says why, so the folder's creation is visible in <c>/api/runs</c>.
/// </summary>
internal sealed class ProvisionJob(RunRecorder recorder, IOptions<GrafanaOptions> grafana, TimeProvider time, ILogger<ProvisionJob> log)
{
    [Queue(JobQueues.Provision)]
    [DisplayName("Provision {0}/{1}")]
    public async Task RunAsync(string company, string? campaign, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var run = new RunRecord
        {
            Id = RunRecord.NewId(now),
            Kind = RunKind.Provision,
            Trigger = RunTrigger.Hook,
            Status = RunStatus.Skipped,
            StartedAt = now,
            FinishedAt = time.GetUtcNow(),
            Company = company,
            Campaign = campaign,
            Bucket = company,
            Step = campaign is null ? "company" : "campaign",
            Message = grafana.Value.Enabled
                ? "Grafana provisioning is not available in this version"
                : "Grafana is not configured (Grafana:Url is empty)",
        };
        await recorder.RecordAsync(run, cancellationToken);
        log.LogInformation("Provisioning {Status}: {Company}/{Campaign} ({Step}): {Message}",
            run.Status.Wire(), company, campaign, run.Step, run.Message);
    }
}
