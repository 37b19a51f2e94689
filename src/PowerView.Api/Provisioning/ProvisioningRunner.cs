using System.Globalization;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Provisioning;

/// <summary>
/// One provisioning run of a company (or of one of its campaigns), as the Hangfire job and the CLI verb both do it:
/// skipped with the reason when Grafana or InfluxDB is not configured; otherwise provisioned with the company's zone
/// (its downsampled days and weeks), remembered in the provisioning store (ids only), and recorded as a
/// <c>provision</c> run: <c>success</c> with what was created and found, or <c>error</c> with the step and Grafana's or
/// InfluxDB's message. The caller decides what a failure means (the job rethrows it so that Hangfire retries).
/// </summary>
internal sealed class ProvisioningRunner(
    CompanyProvisioner provisioner,
    ProvisionedCompanies companies,
    RunRecorder recorder,
    LocalTimeZones zones,
    TimeProvider time,
    ILogger<ProvisioningRunner> log)
{
    /// <summary>The step of a failure after Grafana and InfluxDB were done: remembering the result.</summary>
    public const string StoreStep = "store";

    public bool Configured => provisioner.SkipReason is null;

    public async Task<ProvisioningRunOutcome> RunAsync(string company, string? campaign, RunTrigger trigger, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var run = new RunRecord
        {
            Id = RunRecord.NewId(started),
            Kind = RunKind.Provision,
            Trigger = trigger,
            Status = RunStatus.Skipped,
            StartedAt = started,
            FinishedAt = started,
            Company = company,
            Campaign = campaign,
            Bucket = company,
        };

        if (provisioner.SkipReason is { } reason)
        {
            run = run with { FinishedAt = time.GetUtcNow(), Step = campaign is null ? "company" : "campaign", Message = reason };
            await RecordAsync(run, cancellationToken);
            log.LogInformation("Provisioning {Status}: {Company}/{Campaign}: {Message}", run.Status.Wire(), company, campaign, run.Message);
            return new ProvisioningRunOutcome(run, null, null);
        }

        var (zone, zoneSource) = zones.ForCompany(company);
        run = run with { TimeZone = zone, TimeZoneSource = zoneSource };
        ProvisioningResult? result = null;
        try
        {
            result = await provisioner.ProvisionAsync(company, campaign, cancellationToken, zone);
            run = run with { Status = RunStatus.Success, FinishedAt = time.GetUtcNow(), Message = Describe(result) };
            await companies.RememberAsync(result, run, cancellationToken);
            await recorder.RecordAsync(run, cancellationToken);
            log.LogInformation("Provisioning {Status}: {Company}/{Campaign}: {Message}", run.Status.Wire(), company, campaign, run.Message);
            return new ProvisioningRunOutcome(run, result, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var failure = ex as ProvisioningException;
            run = run with
            {
                Status = RunStatus.Error,
                FinishedAt = time.GetUtcNow(),
                Step = failure?.Step ?? StoreStep,
                // Grafana's or InfluxDB's own message (the step is in Step).
                Error = (failure?.InnerException ?? ex).Message,
                Message = result is null ? null : Describe(result),
            };
            await RecordAsync(run, CancellationToken.None);
            log.LogWarning("Provisioning {Status}: {Company}/{Campaign} at step {Step}: {Error}", run.Status.Wire(), company, campaign, run.Step, run.Error);
            return new ProvisioningRunOutcome(run, result, ex);
        }
    }

    /// <summary>The run history always gets the run; the store's copy of the last run is second to it.</summary>
    private async Task RecordAsync(RunRecord run, CancellationToken cancellationToken)
    {
        try
        {
            await companies.RememberRunAsync(run, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Could not remember provisioning run {RunId} of {Company} in the provisioning store", run.Id, run.Company);
        }

        await recorder.RecordAsync(run, cancellationToken);
    }

    /// <summary>What a run created, changed and found, in one line (the ids are in <c>/api/companies/{company}</c>).</summary>
    public static string Describe(ProvisioningResult r)
    {
        var parts = new List<string>();
        if (r.Created.Count > 0)
        {
            parts.Add("created " + string.Join(", ", r.Created));
        }

        var updated = new List<string>();
        updated.AddRange(r.Tasks.Where(t => t.Change == TaskChange.Updated).Select(t => "task:" + t.Name));
        updated.AddRange(new[] { r.InfluxDatasource, r.ApiDatasource }.OfType<DatasourceResult>()
            .Where(d => d.Change == DatasourceChange.Updated).Select(d => "datasource:" + d.Uid + (d.SecretIssued ? " (new secret)" : "")));
        updated.AddRange(r.Dashboards.Where(d => d.Saved).Select(d => "dashboard:" + d.Uid));
        if (r.FolderPermissionsChanged)
        {
            updated.Add("folder-permissions:" + r.Folder.Id);
        }

        if (updated.Count > 0)
        {
            parts.Add("updated " + string.Join(", ", updated));
        }

        if (!r.Changed)
        {
            parts.Add("nothing to change");
        }

        parts.Add(string.Create(CultureInfo.InvariantCulture,
            $"found organization {r.Organization.Id}, team {r.Team.Id}, folder {r.Folder.Id}, {(r.ApiDatasource is null ? 1 : 2)} datasources, {r.Dashboards.Count} dashboards, {r.Buckets.Count} buckets, {r.Tasks.Count} tasks"));
        return string.Join("; ", parts);
    }
}

/// <param name="Result">What was provisioned (also when only remembering it failed).</param>
/// <param name="Failure">Why the run is an error; null for a success or a skipped run.</param>
internal sealed record ProvisioningRunOutcome(RunRecord Run, ProvisioningResult? Result, Exception? Failure)
{
    /// <summary>Worth trying again: not a name or zone that will never be valid.</summary>
    public bool Retryable => Failure is not null && Run.Step != ProvisioningSteps.Validate;
}
