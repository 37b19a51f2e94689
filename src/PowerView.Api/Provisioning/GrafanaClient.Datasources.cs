using System.Net;
using System.Text.Json.Nodes;

namespace PowerView.Api.Provisioning;

internal sealed partial class GrafanaClient
{
    /// <summary>The datasource with this uid (secrets come back only as <c>secureJsonFields</c> flags), or null.</summary>
    public async Task<JsonObject?> GetDatasourceAsync(long orgId, string uid, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Get, "api/datasources/uid/" + Escape(uid), orgId, null, ct);
        return answer.Is(HttpStatusCode.NotFound) ? null : answer.Require("read datasource " + uid).AsObject();
    }

    /// <summary>
    /// Creates a datasource (with its uid); false when one with this uid or name exists already (409), in
    /// which case the caller reads it again: someone else won the race.
    /// </summary>
    public async Task<bool> CreateDatasourceAsync(long orgId, JsonObject datasource, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Post, "api/datasources", orgId, datasource, ct);
        if (answer.IsSuccess)
        {
            return true;
        }

        return answer.Is(HttpStatusCode.Conflict) ? false : throw answer.Failure($"create datasource {datasource.Str("name")}");
    }

    /// <summary>
    /// Replaces a datasource's settings. Grafana keeps the secure keys left out and replaces the rest wholesale
    /// (§2.7), so <paramref name="datasource"/> is the complete object. With the version read before, a
    /// concurrent update makes Grafana answer 409: false, and the caller reads it again.
    /// </summary>
    public async Task<bool> UpdateDatasourceAsync(long orgId, string uid, JsonObject datasource, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Put, "api/datasources/uid/" + Escape(uid), orgId, datasource, ct);
        if (answer.IsSuccess)
        {
            return true;
        }

        return answer.Is(HttpStatusCode.Conflict) && answer.Message.Contains("updated", StringComparison.OrdinalIgnoreCase)
            ? false
            : throw answer.Failure($"update datasource {uid}");
    }
}
