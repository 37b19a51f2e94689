using System.Collections.Concurrent;
using PowerView.Api.Provisioning.Storage;
using PowerView.Api.Runs;

namespace PowerView.Api.Provisioning;

/// <summary>
/// What other features may know of the provisioning store: which companies and campaigns are provisioned (the
/// first-upload trigger asks after every ingestion, so a "yes" is remembered in memory: nothing is ever
/// unprovisioned), what was provisioned for a company, and the record of a provisioning run.
/// </summary>
internal sealed class ProvisionedCompanies(IProvisioningStore store)
{
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);

    public async Task<bool> IsProvisionedAsync(string company, string? campaign, CancellationToken cancellationToken)
    {
        var key = campaign is null ? company : company + "/" + campaign;
        if (_known.ContainsKey(key))
        {
            return true;
        }

        if (!await store.IsProvisionedAsync(company, campaign, cancellationToken))
        {
            return false;
        }

        _known[key] = true;
        return true;
    }

    public Task<ProvisionedCompany?> GetAsync(string company, CancellationToken cancellationToken) => store.GetAsync(company, cancellationToken);

    public Task<IReadOnlyList<ProvisionedCompany>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>A successful provisioning: its objects (ids only), the campaign, and the run.</summary>
    public Task RememberAsync(ProvisioningResult result, RunRecord run, CancellationToken cancellationToken) =>
        store.SaveProvisionedAsync(result.Company, result.Campaign, ProvisionedObjects.From(result), LastProvisioningRun.From(run), cancellationToken);

    /// <summary>A provisioning that failed or was skipped: the company's last run, nothing else.</summary>
    public Task RememberRunAsync(RunRecord run, CancellationToken cancellationToken) =>
        store.SaveRunAsync(run.Company!, LastProvisioningRun.From(run), cancellationToken);
}
