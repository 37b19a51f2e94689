namespace PowerView.Api.Provisioning;

/// <summary>
/// Where the company monitoring keys are remembered: the seam phase 2 fills with the run store (and teaches
/// <c>ApiKeyAuthenticationHandler</c> to accept). The provisioner makes the key itself, hands Grafana's
/// Infinity datasource the value and this store only its SHA-256 hash, so the store never holds a usable key.
/// </summary>
internal interface ICompanyApiKeys
{
    /// <summary>Remembers a new key of <paramref name="company"/> by its SHA-256 hash; returns an id for it (never secret).</summary>
    Task<string> AddAsync(string company, byte[] sha256, CancellationToken cancellationToken);

    /// <summary>Forgets a key no datasource holds any more (unknown ids are ignored).</summary>
    Task RemoveAsync(string company, string keyId, CancellationToken cancellationToken);
}
