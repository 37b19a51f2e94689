namespace PowerView.Api.Hosting.Security;

/// <summary>
/// Company keys the service made itself (provisioning gives one to each company's Grafana datasource), remembered
/// only as their SHA-256 hash. Defined here so that <see cref="ApiKeyAuthenticationHandler"/> accepts them without
/// depending on the feature that keeps them; without an implementation only the configured keys are accepted.
/// </summary>
internal interface ICompanyKeyDirectory
{
    /// <summary>
    /// The company of the key whose SHA-256 is <paramref name="sha256"/>, compared in constant time with every hash
    /// known; null when none matches (or the directory cannot be read: the configured keys still work then).
    /// </summary>
    ValueTask<string?> FindCompanyAsync(byte[] sha256, CancellationToken cancellationToken);
}
