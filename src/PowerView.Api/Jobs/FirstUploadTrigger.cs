using PowerView.Api.Provisioning;
using PowerView.Api.Runs;

namespace PowerView.Api.Jobs;

/// <summary>
/// Queues the provisioning of a company or campaign whose first upload was just ingested, when the provisioning store
/// does not know it: <c>scp -r</c> sends no mkdir, and uploads can come before any folder event. A burst of uploads into
/// a new campaign queues one provisioning (<see cref="ProvisionClaims"/>); once it succeeded the store says so and
/// nothing more is queued. Without Grafana or InfluxDB configured nothing is queued (a mkdir still records the skip).
/// </summary>
internal sealed class FirstUploadTrigger(ProvisioningRunner runner, ProvisionedCompanies companies, ProvisionClaims claims, ILogger<FirstUploadTrigger> log)
{
    /// <summary>Never fails the ingestion: a provisioning not queued now is queued by the next upload or the reconcile.</summary>
    public async Task AfterIngestionAsync(RunRecord run, RunTrigger trigger, CancellationToken cancellationToken)
    {
        if (!runner.Configured || run.Company is not { } company || run.Campaign is not { } campaign)
        {
            return;
        }

        try
        {
            if (await companies.IsProvisionedAsync(company, campaign, cancellationToken))
            {
                return;
            }

            var answer = claims.Queue(company, campaign, trigger);
            if (answer.IsNew)
            {
                log.LogInformation("{Company}/{Campaign} is not provisioned yet: provisioning queued as job {JobId} after an upload", company, campaign, answer.JobId);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Could not queue the provisioning of {Company}/{Campaign} after an upload", company, campaign);
        }
    }
}
