using System.CommandLine;
using System.Text.Json;
using PowerView.Api.Ingestion;
using PowerView.Api.Provisioning;
using PowerView.Api.Runs;

namespace PowerView.Api.Cli;

/// <summary>
/// <c>provision &lt;company&gt; [&lt;campaign&gt;]</c> and <c>provision --all</c> (every company folder of the data root): the
/// provisioning the service's job does, now and in this process, one JSON line per company on stdout, each a
/// <c>provision</c> run in the history. Exit 0 when every run succeeded, 1 otherwise (an error, or skipped because
/// Grafana or InfluxDB is not configured), 2 for a usage or configuration error. Safe beside the running service: every
/// step looks up before it creates (the job's lock across instances lives in the job storage, which the CLI has not).
/// </summary>
internal static class ProvisionCommand
{
    public static Command Create(Func<Task<IHost?>> buildHost)
    {
        var company = new Argument<string?>("company") { Description = "The company (its top-level folder of the data root).", Arity = ArgumentArity.ZeroOrOne };
        var campaign = new Argument<string?>("campaign") { Description = "One of its campaigns (recorded as provisioned with it).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Every company folder of the data root (the reconcile the service runs daily)." };
        var command = new Command("provision", "Provision a company's Grafana and InfluxDB space now, one JSON line per company; exit 1 if any did not succeed.")
        {
            company, campaign, all,
        };
        command.Validators.Add(result =>
        {
            var named = result.GetValue(company) is not null;
            if (result.GetValue(all) == named)
            {
                result.AddError(named ? "give a company or --all, not both" : "give a company (and optionally a campaign), or --all");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await buildHost();
            if (host is null)
            {
                return Hosting.StartupFailures.ExitCode;
            }

            var runner = host.Services.GetRequiredService<ProvisioningRunner>();
            var targets = parse.GetValue(all)
                ? CompanyFolders.OnDisk(host.Services.GetRequiredService<DataLayout>()).Select(c => (c, (string?)null)).ToList()
                : [(parse.GetValue(company)!, parse.GetValue(campaign))];
            var failures = 0;
            foreach (var (name, campaignName) in targets)
            {
                var outcome = await runner.RunAsync(name, campaignName, RunTrigger.Cli, cancellationToken);
                failures += outcome.Run.Status == RunStatus.Success ? 0 : 1;
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(ProvisionSummary.From(outcome), CliJson.Line));
            }

            await host.StopAsync(CancellationToken.None);
            return failures == 0 ? 0 : 1;
        });
        return command;
    }
}

/// <summary>The one-line JSON the <c>provision</c> verb prints per company: its run, and what was created.</summary>
internal sealed record ProvisionSummary
{
    public required string Company { get; init; }

    public string? Campaign { get; init; }

    /// <summary><c>success</c>, <c>error</c> or <c>skipped</c>.</summary>
    public required string Status { get; init; }

    public required string RunId { get; init; }

    /// <summary>The step that failed (or what a skipped run was asked for).</summary>
    public string? Step { get; init; }

    public string? Message { get; init; }

    public string? Error { get; init; }

    /// <summary>What this run created, as <c>kind:name</c>.</summary>
    public IReadOnlyList<string> Created { get; init; } = [];

    public bool Changed { get; init; }

    public long? OrganizationId { get; init; }

    public string? FolderUid { get; init; }

    /// <summary>The InfluxDB authorization of the company's datasource: its id, never its token.</summary>
    public string? TokenId { get; init; }

    public long DurationMs { get; init; }

    public static ProvisionSummary From(ProvisioningRunOutcome outcome) => new()
    {
        Company = outcome.Run.Company!,
        Campaign = outcome.Run.Campaign,
        Status = outcome.Run.Status.Wire(),
        RunId = outcome.Run.Id,
        Step = outcome.Run.Step,
        Message = outcome.Run.Message,
        Error = outcome.Run.Error,
        Created = outcome.Result?.Created ?? [],
        Changed = outcome.Result?.Changed ?? false,
        OrganizationId = outcome.Result?.Organization.Id,
        FolderUid = outcome.Result?.Folder.Id,
        TokenId = outcome.Result?.AuthorizationId,
        DurationMs = outcome.Run.DurationMs,
    };
}
