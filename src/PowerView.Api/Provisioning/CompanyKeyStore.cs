using System.Security.Cryptography;
using PowerView.Api.Hosting.Security;
using PowerView.Api.Provisioning.Storage;

namespace PowerView.Api.Provisioning;

/// <summary>
/// The company monitoring keys the provisioner made, by their SHA-256 hash in the provisioning store: remembered and
/// forgotten for the provisioner (<see cref="ICompanyApiKeys"/>), and looked up for the API's key handler
/// (<see cref="ICompanyKeyDirectory"/>). The handler asks on every request, so the hashes are kept in memory and
/// compared in constant time with every one of them, as the configured keys are. A key this process made is known at
/// once; one made by another instance sharing the store is found by reading the store again, at most once every few
/// seconds whatever the number of wrong keys presented, and every minute anyway (so a key revoked elsewhere goes).
/// </summary>
internal sealed class CompanyKeyStore(IProvisioningStore store, TimeProvider time, ILogger<CompanyKeyStore> log)
    : ICompanyApiKeys, ICompanyKeyDirectory, IDisposable
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MissRefresh = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile KeysRead? _snapshot;

    public async Task<string> AddAsync(string company, byte[] sha256, CancellationToken cancellationToken)
    {
        // Not secret, not derived from the key: it names the key in the datasource's jsonData and in the answers.
        var id = "ck_" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        await store.AddKeyAsync(new StoredCompanyKey(id, company, sha256), time.GetUtcNow(), cancellationToken);
        _snapshot = null;
        return id;
    }

    public async Task RemoveAsync(string company, string keyId, CancellationToken cancellationToken)
    {
        await store.RemoveKeyAsync(company, keyId, cancellationToken);
        _snapshot = null;
    }

    public async ValueTask<string?> FindCompanyAsync(byte[] sha256, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await CurrentAsync(MaxAge, cancellationToken);
            if (Match(snapshot, sha256) is { } company)
            {
                return company;
            }

            // Perhaps made by another instance since we read: read again, but not for every wrong key sent.
            var fresher = await CurrentAsync(MissRefresh, cancellationToken);
            return ReferenceEquals(fresher, snapshot) ? null : Match(fresher, sha256);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The configured keys still work; this one is refused until the store answers again.
            log.LogWarning(ex, "The created company keys cannot be read: only the configured keys are accepted meanwhile");
            return null;
        }
    }

    public void Dispose() => _loading.Dispose();

    private static string? Match(KeysRead snapshot, byte[] sha256)
    {
        string? company = null;
        // Every hash is compared, whichever matches: the time taken says nothing about which one is close.
        foreach (var key in snapshot.Keys)
        {
            if (key.Sha256.Length == sha256.Length && CryptographicOperations.FixedTimeEquals(key.Sha256, sha256))
            {
                company = key.Company;
            }
        }

        return company;
    }

    private async Task<KeysRead> CurrentAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (_snapshot is { } known && time.GetUtcNow() - known.ReadAt < maxAge)
        {
            return known;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            // Another request may have read it while we waited.
            if (_snapshot is { } meanwhile && time.GetUtcNow() - meanwhile.ReadAt < maxAge)
            {
                return meanwhile;
            }

            var read = new KeysRead(await store.ListKeysAsync(cancellationToken), time.GetUtcNow());
            _snapshot = read;
            return read;
        }
        finally
        {
            _loading.Release();
        }
    }

    private sealed record KeysRead(IReadOnlyList<StoredCompanyKey> Keys, DateTimeOffset ReadAt);
}
