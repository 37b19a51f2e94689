using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;

namespace PowerView.Api.Provisioning;

/// <summary>
/// The company's two datasources and the secret each holds (docs/provisioning.md, "Where the secrets live").
/// The InfluxDB token and the monitoring key exist nowhere but in the datasource's <c>secureJsonData</c>, which
/// Grafana never returns: a datasource whose <c>secureJsonFields</c> says the secret is set, and whose
/// <c>jsonData</c> names a secret that is still valid, keeps it. Otherwise a new secret is issued, put in the
/// datasource, and only then its predecessor revoked. Losing a race (409) revokes the secret just issued,
/// which no datasource holds, and reads again; the loop is bounded.
/// </summary>
internal sealed class CompanyDatasources(
    GrafanaClient grafana,
    InfluxProvisioner influx,
    ICompanyApiKeys apiKeys,
    IOptions<GrafanaOptions> grafanaOptions,
    IOptions<InfluxOptions> influxOptions,
    TimeProvider time,
    ILogger<CompanyDatasources> log)
{
    public const string TokenIdKey = "powerviewTokenId";
    public const string KeyIdKey = "powerviewKeyId";
    private const int MaxTries = 3;

    /// <summary>Authorizations issued but held by no datasource (a run that died half-way) are revoked after this.</summary>
    private static readonly TimeSpan LeftoverAge = TimeSpan.FromHours(1);

    public async Task<DatasourceResult> EnsureInfluxAsync(long orgId, CompanyNames names, IReadOnlyList<ProvisionedBucket> buckets, bool isDefault, CancellationToken ct)
    {
        var bucketIds = buckets.Select(b => b.Id).ToList();
        var influxUrl = grafanaOptions.Value.InfluxUrl is { Length: > 0 } url ? url : influxOptions.Value.Url;
        var jsonData = new JsonObject
        {
            ["version"] = "Flux",
            ["organization"] = influx.OrgName,
            ["defaultBucket"] = names.Bucket,
            ["httpMode"] = "POST",
            ["tlsSkipVerify"] = false,
        };
        var desired = Datasource(names.InfluxDatasourceUid, names.InfluxDatasourceName, "influxdb", influxUrl, isDefault, jsonData);
        var authorizations = await influx.FindCompanyAuthorizationsAsync(names, ct);
        var result = await EnsureAsync(orgId, desired, "token", TokenIdKey,
            heldId => authorizations.FirstOrDefault(a => a.Id == heldId) is { } held && InfluxProvisioner.Covers(held, bucketIds),
            async c => await influx.CreateReadAuthorizationAsync(names, bucketIds, c) is var t ? (t.AuthorizationId, t.Token) : default,
            influx.DeleteAuthorizationAsync,
            ct);

        // A run that died between issuing a token and saving the datasource left one no datasource holds.
        var now = time.GetUtcNow();
        foreach (var leftover in authorizations.Where(a => a.Id != result.SecretId && a.Id != result.RevokedSecretId
            && a.CreatedAt is { } created && now - new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) > LeftoverAge))
        {
            await influx.DeleteAuthorizationAsync(leftover.Id, ct);
        }

        return result;
    }

    public Task<DatasourceResult> EnsureApiAsync(long orgId, CompanyNames names, CancellationToken ct)
    {
        var apiUrl = grafanaOptions.Value.ApiUrl.TrimEnd('/');
        var jsonData = new JsonObject
        {
            ["auth_method"] = "bearerToken",
            // Infinity refuses every other host once auth is configured (grafana.md §4.4).
            ["allowedHosts"] = new JsonArray(apiUrl),
            ["timeoutInSeconds"] = 30,
            ["customHealthCheckEnabled"] = true,
            ["customHealthCheckUrl"] = apiUrl + "/api/campaigns",
        };
        var desired = Datasource(names.ApiDatasourceUid, names.ApiDatasourceName, "yesoreyeram-infinity-datasource", apiUrl, false, jsonData);
        return EnsureAsync(orgId, desired, "bearerToken", KeyIdKey,
            // The key cannot be read back; one Grafana says is set is kept (its id may predate the key store).
            _ => true,
            async c =>
            {
                var key = Secrets.NewCompanyKey();
                return (await apiKeys.AddAsync(names.Company, Secrets.Hash(key), c), key);
            },
            (id, c) => apiKeys.RemoveAsync(names.Company, id, c),
            ct);
    }

    private async Task<DatasourceResult> EnsureAsync(
        long orgId,
        JsonObject desired,
        string secretKey,
        string secretIdKey,
        Func<string?, bool> heldSecretIsValid,
        Func<CancellationToken, Task<(string Id, string Value)>> issue,
        Func<string, CancellationToken, Task> revoke,
        CancellationToken ct)
    {
        var uid = desired.Str("uid")!;
        for (var attempt = 1; attempt <= MaxTries; attempt++)
        {
            var current = await grafana.GetDatasourceAsync(orgId, uid, ct);
            var heldId = current?["jsonData"].Str(secretIdKey);
            if (current is not null && current["secureJsonFields"].Flag(secretKey) && heldSecretIsValid(heldId))
            {
                if (Differs(current, desired))
                {
                    // No secureJsonData in the body: Grafana keeps the secret (§2.7).
                    if (!await grafana.UpdateDatasourceAsync(orgId, uid, Merge(current, desired, secretIdKey, heldId), ct))
                    {
                        continue;
                    }

                    return new(uid, desired.Str("name")!, DatasourceChange.Updated, heldId, SecretIssued: false, null);
                }

                return new(uid, desired.Str("name")!, DatasourceChange.Unchanged, heldId, SecretIssued: false, null);
            }

            var (newId, value) = await issue(ct);
            var body = current is null ? Merge(null, desired, secretIdKey, newId) : Merge(current, desired, secretIdKey, newId);
            body["secureJsonData"] = new JsonObject { [secretKey] = value };
            bool saved;
            try
            {
                saved = current is null
                    ? await grafana.CreateDatasourceAsync(orgId, body, ct)
                    : await grafana.UpdateDatasourceAsync(orgId, uid, body, ct);
            }
            catch
            {
                // Grafana failed: the new secret is held by nobody. The retry issues another.
                await revoke(newId, CancellationToken.None);
                throw;
            }

            if (!saved)
            {
                // Someone else saved theirs first: ours is held by nobody.
                await revoke(newId, ct);
                continue;
            }

            if (heldId is not null && heldId != newId)
            {
                await revoke(heldId, ct);
            }

            log.LogInformation("Datasource {Uid}: new {Secret} {SecretId} stored ({Why})", uid, secretKey, newId,
                current is null ? "created" : "the datasource held none that is valid");
            return new(uid, desired.Str("name")!, current is null ? DatasourceChange.Created : DatasourceChange.Updated, newId, SecretIssued: true, heldId);
        }

        throw new InvalidOperationException($"datasource {uid} kept changing under us ({MaxTries} tries)");
    }

    private static JsonObject Datasource(string uid, string name, string type, string url, bool isDefault, JsonObject jsonData) => new()
    {
        ["uid"] = uid,
        ["name"] = name,
        ["type"] = type,
        ["access"] = "proxy",
        ["url"] = url,
        ["isDefault"] = isDefault,
        ["basicAuth"] = false,
        ["jsonData"] = jsonData,
    };

    private static bool Differs(JsonObject current, JsonObject desired)
    {
        foreach (var key in new[] { "name", "type", "access", "url", "isDefault" })
        {
            if (!JsonNode.DeepEquals(current[key], desired[key]))
            {
                return true;
            }
        }

        // Only our keys count: ones added by hand are kept (Merge), and do not make every run save again.
        var jsonData = current["jsonData"] as JsonObject;
        return desired["jsonData"]!.AsObject().Any(p => !JsonNode.DeepEquals(jsonData?[p.Key], p.Value));
    }

    /// <summary>
    /// The complete object to save: ours, with the version read (a stale one makes Grafana answer 409), and the
    /// keys of <c>jsonData</c> someone added by hand kept, since PUT replaces <c>jsonData</c> wholesale.
    /// </summary>
    private static JsonObject Merge(JsonObject? current, JsonObject desired, string secretIdKey, string? secretId)
    {
        var body = desired.DeepClone().AsObject();
        var jsonData = current?["jsonData"]?.DeepClone() as JsonObject ?? [];
        foreach (var (key, value) in desired["jsonData"]!.AsObject())
        {
            jsonData[key] = value?.DeepClone();
        }

        jsonData[secretIdKey] = secretId;
        body["jsonData"] = jsonData;
        if (current?["version"] is { } version)
        {
            body["version"] = version.DeepClone();
        }

        return body;
    }
}

internal enum DatasourceChange
{
    Unchanged,
    Created,
    Updated,
}

/// <param name="SecretId">The InfluxDB authorization id, or the company key id: never the secret.</param>
/// <param name="SecretIssued">Whether this run issued a new token or key.</param>
/// <param name="RevokedSecretId">The predecessor revoked after the new secret was stored.</param>
internal sealed record DatasourceResult(string Uid, string Name, DatasourceChange Change, string? SecretId, bool SecretIssued, string? RevokedSecretId);
