using System.Net;
using System.Text.Json.Nodes;

namespace PowerView.Api.Provisioning;

internal sealed partial class GrafanaClient
{
    /// <summary>
    /// The top-level folder with this uid, created with this title when missing. A folder with our uid but another
    /// title is a naming collision and fails rather than being taken over.
    /// </summary>
    public async Task<Ensured<string>> EnsureFolderAsync(long orgId, string uid, string title, CancellationToken ct)
    {
        if (await FindFolderTitleAsync(orgId, uid, ct) is { } existing)
        {
            return new(CheckTitle(uid, title, existing), Created: false);
        }

        var created = await SendAsync(HttpMethod.Post, "api/folders", orgId, new { uid, title }, ct);
        if (created.IsSuccess)
        {
            return new(uid, Created: true);
        }

        // The status for "exists" changed across versions: 412 on <= 10.1, 409 later, 400 for a title clash (§6.3).
        if ((int)created.Status is 400 or 409 or 412 && await FindFolderTitleAsync(orgId, uid, ct) is { } raced)
        {
            return new(CheckTitle(uid, title, raced), Created: false);
        }

        throw created.Failure($"create folder '{title}'");
    }

    private async Task<string?> FindFolderTitleAsync(long orgId, string uid, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Get, "api/folders/" + Escape(uid), orgId, null, ct);
        return answer.Is(HttpStatusCode.NotFound) ? null : answer.Require("look up folder " + uid).Str("title") ?? "";
    }

    private static string CheckTitle(string uid, string title, string existing) => existing == title
        ? uid
        : throw new GrafanaException($"use folder {uid}", "GET", "api/folders/" + uid, 200,
            $"the folder is titled '{existing}', not '{title}': another company's or someone else's folder has this uid");

    /// <summary>
    /// Leaves exactly one grant on the folder: the team may view it. The default Viewer and Editor grants (and the
    /// creator's Admin grant) go; organization Admins keep their access, which Grafana never lets one remove.
    /// The legacy API replaces the whole list (§2.6), so nothing is posted when the list is already right.
    /// </summary>
    /// <returns>Whether the permissions had to be changed.</returns>
    public async Task<bool> SetFolderPermissionsAsync(long orgId, string uid, long teamId, CancellationToken ct)
    {
        var current = await SendAsync(HttpMethod.Get, $"api/folders/{Escape(uid)}/permissions", orgId, null, ct);
        var grants = current.Require("read the permissions of folder " + uid).AsArray().OfType<JsonObject>()
            .Where(g => !g.Flag("inherited"))
            .Select(g => (Team: Number(g, "teamId"), User: Number(g, "userId"), Role: g.Str("role") ?? "", Permission: Number(g, "permission")))
            .ToList();
        if (grants.Count == 1 && grants[0] == (teamId, 0L, "", 1L))
        {
            return false;
        }

        var body = new { items = new[] { new { teamId, permission = 1 } } };
        var answer = await SendAsync(HttpMethod.Post, $"api/folders/{Escape(uid)}/permissions", orgId, body, ct);
        return answer.IsSuccess ? true : throw answer.Failure("set the permissions of folder " + uid);
    }

    private static long Number(JsonObject o, string property) =>
        o[property] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
}
