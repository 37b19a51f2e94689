namespace PowerView.Api.Provisioning.Storage;

/// <summary>
/// Provisioning's own state: per company the ids of what was provisioned, the campaigns provisioned and the last
/// provisioning run; and the hashes of the company monitoring keys the service made. Embedded SQLite by default
/// (<c>&lt;StateDir&gt;/provisioning.db</c>), PostgreSQL when the run store is (<c>Runs:Storage</c>), in a schema of its own.
/// </summary>
internal interface IProvisioningStore
{
    /// <summary>Creates the schema or brings it to the current version (numbered migrations).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>A successful provisioning: its objects, the campaign (when it named one) and the run, in one transaction.</summary>
    Task SaveProvisionedAsync(string company, string? campaign, ProvisionedObjects objects, LastProvisioningRun run, CancellationToken cancellationToken);

    /// <summary>A provisioning that failed or was skipped: only the last run changes (what was provisioned stays).</summary>
    Task SaveRunAsync(string company, LastProvisioningRun run, CancellationToken cancellationToken);

    Task<ProvisionedCompany?> GetAsync(string company, CancellationToken cancellationToken);

    /// <summary>Every company the store knows (provisioned, or with a run that failed), by name.</summary>
    Task<IReadOnlyList<ProvisionedCompany>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Whether the company was provisioned successfully, and the campaign too when one is given.</summary>
    Task<bool> IsProvisionedAsync(string company, string? campaign, CancellationToken cancellationToken);

    Task AddKeyAsync(StoredCompanyKey key, DateTimeOffset createdAt, CancellationToken cancellationToken);

    Task RemoveKeyAsync(string company, string keyId, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredCompanyKey>> ListKeysAsync(CancellationToken cancellationToken);
}
