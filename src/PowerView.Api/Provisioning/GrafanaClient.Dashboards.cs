using System.Net;
using System.Text.Json.Nodes;

namespace PowerView.Api.Provisioning;

internal sealed partial class GrafanaClient
{
    /// <summary>
    /// Saves the dashboard into the folder (upsert by uid, <c>overwrite</c>), unless Grafana already holds exactly
    /// this JSON there: an unchanged dashboard gets no new version in its history.
    /// </summary>
    /// <returns>Whether it was saved.</returns>
    public async Task<bool> UpsertDashboardAsync(long orgId, JsonObject dashboard, string folderUid, CancellationToken ct)
    {
        var uid = dashboard.Str("uid") ?? throw new ArgumentException("the dashboard has no uid", nameof(dashboard));
        var current = await SendAsync(HttpMethod.Get, "api/dashboards/uid/" + Escape(uid), orgId, null, ct);
        if (current.IsSuccess && current.Body?["meta"].Str("folderUid") == folderUid
            && current.Body?["dashboard"] is JsonObject stored && SameDashboard(stored, dashboard))
        {
            return false;
        }

        if (!current.IsSuccess && !current.Is(HttpStatusCode.NotFound))
        {
            throw current.Failure("read dashboard " + uid);
        }

        // folderUid on every save: without it the dashboard moves to the General folder (§6.7).
        var body = new JsonObject
        {
            ["dashboard"] = dashboard.DeepClone(),
            ["folderUid"] = folderUid,
            ["overwrite"] = true,
            ["message"] = "provisioned by PowerView.Api",
        };
        var saved = await SendAsync(HttpMethod.Post, "api/dashboards/db", orgId, body, ct);
        return saved.IsSuccess ? true : throw saved.Failure($"save dashboard {uid}");
    }

    /// <summary>Equal apart from what Grafana assigns itself (id, version, iteration).</summary>
    private static bool SameDashboard(JsonObject stored, JsonObject desired)
    {
        static JsonObject Strip(JsonObject o)
        {
            var copy = o.DeepClone().AsObject();
            copy.Remove("id");
            copy.Remove("version");
            copy.Remove("iteration");
            return copy;
        }

        return JsonNode.DeepEquals(Strip(stored), Strip(desired));
    }
}
