using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Api.Service;
using InfluxDB.Client.Core.Exceptions;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;

namespace PowerView.Api.Provisioning;

/// <summary>
/// A company's InfluxDB side through InfluxDB.Client's management APIs (influxdb.md §3.5): its four buckets,
/// found by name and org before they are created (never by listing a first page); its three downsampling
/// tasks, updated in place when their script changed; its read-only authorizations. Token values are only
/// ever returned to the caller, straight from the answer that created them, and never logged.
/// </summary>
internal sealed class InfluxProvisioner : IDisposable
{
    private readonly InfluxOptions _options;
    private readonly ILogger<InfluxProvisioner> _log;
    private readonly Lazy<InfluxDBClient> _lazyClient;
    private string? _orgId;

    public InfluxProvisioner(IOptions<InfluxOptions> options, ILogger<InfluxProvisioner> log)
    {
        _options = options.Value;
        _log = log;
        // One client per server and token for the process lifetime (influxdb.md §3.9), made on first use: none when InfluxDB is off.
        _lazyClient = new Lazy<InfluxDBClient>(() => new InfluxDBClient(new InfluxDBClientOptions(_options.Url)
        {
            Token = _options.Token,
            Org = _options.Org,
            Timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds),
        }));
    }

    private InfluxDBClient Client => _lazyClient.Value;

    public bool Enabled => _options.Enabled;

    public string OrgName => _options.Org;

    public async Task<string> GetOrgIdAsync(CancellationToken ct)
    {
        if (_orgId is { } known)
        {
            return known;
        }

        var orgs = await Client.GetOrganizationsApi().FindOrganizationsAsync(org: _options.Org, cancellationToken: ct);
        return _orgId = orgs.FirstOrDefault(o => o.Name == _options.Org)?.Id
            ?? throw new InvalidOperationException($"InfluxDB organization '{_options.Org}' is not visible to Influx:Token");
    }

    /// <summary>The company bucket and its three downsampled buckets, each with infinite retention.</summary>
    public async Task<IReadOnlyList<ProvisionedBucket>> EnsureBucketsAsync(CompanyNames names, CancellationToken ct)
    {
        var orgId = await GetOrgIdAsync(ct);
        var buckets = new List<ProvisionedBucket>();
        foreach (var name in names.AllBuckets)
        {
            buckets.Add(await EnsureBucketAsync(orgId, name, ct));
        }

        return buckets;
    }

    private async Task<ProvisionedBucket> EnsureBucketAsync(string orgId, string name, CancellationToken ct)
    {
        if (await FindBucketAsync(orgId, name, ct) is { } found)
        {
            return new(name, found, Created: false);
        }

        try
        {
            var created = await Client.GetBucketsApi().CreateBucketAsync(new PostBucketRequest(orgId, name, retentionRules: []), ct);
            _log.LogInformation("Created InfluxDB bucket {Bucket}", name);
            return new(name, created.Id, Created: true);
        }
        catch (UnprocessableEntityException)
        {
            // 422 conflict: created meanwhile by another process (or the ingestion of a first upload).
            return new(name, await FindBucketAsync(orgId, name, ct) ?? throw new InvalidOperationException($"bucket {name} conflicts but cannot be found"), Created: false);
        }
    }

    private async Task<string?> FindBucketAsync(string orgId, string name, CancellationToken ct)
    {
        try
        {
            // Name and org: one bucket or 404, whatever the number of buckets (upstream looked at the first 20 only).
            var found = await Client.GetBucketsApi().FindBucketsAsync(orgID: orgId, name: name, cancellationToken: ct);
            return found.FirstOrDefault(b => b.Name == name)?.Id;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>One task per level; a task whose script differs (zone, schedule, look-back, a newer version) is patched.</summary>
    public async Task<IReadOnlyList<ProvisionedTask>> EnsureTasksAsync(CompanyNames names, string timeZone, CancellationToken ct)
    {
        var orgId = await GetOrgIdAsync(ct);
        var tasks = Client.GetTasksApi();
        var result = new List<ProvisionedTask>();
        foreach (var level in DownsamplingTasks.Levels)
        {
            var name = CompanyNames.TaskName(names.Company, level.Name);
            var script = DownsamplingTasks.Script(names.Company, level, timeZone);
            var existing = await FindTasksAsync(orgId, name, ct);
            if (existing.Count == 0)
            {
                await tasks.CreateTaskAsync(new TaskCreateRequest(orgID: orgId, flux: script, status: TaskStatusType.Active,
                    description: $"PowerView: mean, min and max per {level.Every} of bucket {names.Bucket}"), ct);
                // Tasks have no unique name: two processes creating at once make two; the oldest is kept.
                existing = await KeepOldestAsync(orgId, name, ct);
                result.Add(new(level.Name, name, existing[0].Id, TaskChange.Created));
                continue;
            }

            if (existing.Count > 1)
            {
                existing = await KeepOldestAsync(orgId, name, ct);
            }

            var task = existing[0];
            if (!string.Equals(task.Flux?.Trim(), script.Trim(), StringComparison.Ordinal))
            {
                await tasks.UpdateTaskAsync(task.Id, new TaskUpdateRequest(flux: script), ct);
                _log.LogInformation("Updated InfluxDB task {Task}: its script differed", name);
                result.Add(new(level.Name, name, task.Id, TaskChange.Updated));
            }
            else
            {
                result.Add(new(level.Name, name, task.Id, TaskChange.Unchanged));
            }
        }

        return result;
    }

    private async Task<List<TaskType>> FindTasksAsync(string orgId, string name, CancellationToken ct)
    {
        var found = await Client.GetTasksApi().FindTasksAsync(orgId: orgId, name: name, limit: 100, cancellationToken: ct);
        return [.. found.Where(t => t.Name == name).OrderBy(t => t.Id, StringComparer.Ordinal)];
    }

    private async Task<List<TaskType>> KeepOldestAsync(string orgId, string name, CancellationToken ct)
    {
        var found = await FindTasksAsync(orgId, name, ct);
        foreach (var duplicate in found.Skip(1))
        {
            try
            {
                await Client.GetTasksApi().DeleteTaskAsync(duplicate.Id, ct);
            }
            catch (NotFoundException)
            {
                // The other process deleted it first.
            }
        }

        return found.Count > 0 ? found.GetRange(0, 1) : throw new InvalidOperationException($"task {name} was created but cannot be found");
    }

    /// <summary>The authorizations described <c>powerview_token_for_bucket_&lt;company&gt;</c> (their tokens are empty from 2.9).</summary>
    public async Task<IReadOnlyList<Authorization>> FindCompanyAuthorizationsAsync(CompanyNames names, CancellationToken ct)
    {
        var orgId = await GetOrgIdAsync(ct);
        // AuthorizationsApi has no org filter (influxdb.md §3.5); the generated service has.
        var service = Client.CreateService<AuthorizationsService>(typeof(AuthorizationsService));
        var all = await service.GetAuthorizationsAsync(orgID: orgId, cancellationToken: ct);
        return [.. (all._Authorizations ?? []).Where(a => a.Description == names.TokenDescription)];
    }

    /// <summary>Whether the authorization is active and grants read, and nothing else, on exactly these buckets.</summary>
    public static bool Covers(Authorization authorization, IEnumerable<string> bucketIds)
    {
        var permissions = authorization.Permissions ?? [];
        var wanted = bucketIds.ToHashSet(StringComparer.Ordinal);
        return authorization.Status is null or AuthorizationUpdateRequest.StatusEnum.Active
            && permissions.Count == wanted.Count
            && permissions.All(p => p.Action == Permission.ActionEnum.Read && p.Resource?.Type == PermissionResource.TypeBuckets
                && p.Resource.Id is { } id && wanted.Contains(id))
            && permissions.Select(p => p.Resource.Id).Distinct(StringComparer.Ordinal).Count() == wanted.Count;
    }

    /// <summary>A new read-only authorization on the company's buckets; the token is in the answer only.</summary>
    public async Task<NewToken> CreateReadAuthorizationAsync(CompanyNames names, IEnumerable<string> bucketIds, CancellationToken ct)
    {
        var orgId = await GetOrgIdAsync(ct);
        var permissions = bucketIds
            .Select(id => new Permission(Permission.ActionEnum.Read, new PermissionResource(PermissionResource.TypeBuckets, id, null, orgId)))
            .ToList();
        var created = await Client.GetAuthorizationsApi().CreateAuthorizationAsync(
            new AuthorizationPostRequest(orgID: orgId, permissions: permissions, description: names.TokenDescription), ct);
        _log.LogInformation("Created InfluxDB authorization {AuthorizationId} ({Description})", created.Id, names.TokenDescription);
        return new NewToken(created.Id, created.Token);
    }

    public async Task DeleteAuthorizationAsync(string id, CancellationToken ct)
    {
        try
        {
            await Client.GetAuthorizationsApi().DeleteAuthorizationAsync(id, ct);
            _log.LogInformation("Deleted InfluxDB authorization {AuthorizationId}", id);
        }
        catch (NotFoundException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        if (_lazyClient.IsValueCreated)
        {
            _lazyClient.Value.Dispose();
        }
    }
}

internal sealed record ProvisionedBucket(string Name, string Id, bool Created);

internal enum TaskChange
{
    Unchanged,
    Created,
    Updated,
}

internal sealed record ProvisionedTask(string Level, string Name, string Id, TaskChange Change);

/// <summary>A token straight from the answer that created it; <see cref="ToString"/> never shows it.</summary>
internal sealed record NewToken(string AuthorizationId, string Token)
{
    public override string ToString() => $"NewToken {{ AuthorizationId = {AuthorizationId} }}";
}
