using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PowerView.Api.Tests.Provisioning;

public sealed partial class GrafanaApiDouble
{
    private void MapDashboards(WebApplication app)
    {
        app.MapGet("/api/dashboards/uid/{uid}", async (HttpContext context, string uid) =>
        {
            if (await OrgContextAsync(context) is not { } c)
            {
                return;
            }

            (int Status, JsonObject? Body) answer;
            lock (_gate)
            {
                var dashboard = c.Org.Dashboards.FirstOrDefault(d => d.Uid == uid);
                var folder = dashboard is null ? null : c.Org.Folders.FirstOrDefault(f => f.Uid == dashboard.FolderUid);
                answer = dashboard is null ? (404, null)
                    : folder is not null && !CanView(c, folder) ? (403, null)
                    : (200, new JsonObject
                    {
                        ["dashboard"] = dashboard.Json.DeepClone(),
                        ["meta"] = new JsonObject { ["folderUid"] = dashboard.FolderUid, ["version"] = dashboard.Version, ["provisioned"] = false, ["url"] = $"/d/{uid}" },
                    });
            }

            await (answer.Body is { } b ? Json(context, 200, b) : Message(context, answer.Status, answer.Status == 404 ? "Dashboard not found" : "Access denied"));
        });
        app.MapPost("/api/dashboards/db", async context =>
        {
            if (await AdminContextAsync(context) is not { } c)
            {
                return;
            }

            var body = BodyObject(context) ?? [];
            var dashboard = body["dashboard"] as JsonObject ?? [];
            var uid = dashboard["uid"]?.GetValue<string>() ?? "";
            var title = dashboard["title"]?.GetValue<string>() ?? "";
            var folderUid = body["folderUid"]?.GetValue<string>() ?? "";
            var overwrite = body["overwrite"] is JsonValue o && o.TryGetValue<bool>(out var w) && w;
            (int Status, string Message, string? State, JsonObject? Saved) answer;
            lock (_gate)
            {
                var existing = c.Org.Dashboards.FirstOrDefault(d => d.Uid == uid);
                var sameTitle = c.Org.Dashboards.FirstOrDefault(d => d.Uid != uid && d.FolderUid == folderUid && d.Json["title"]?.GetValue<string>() == title);
                var version = dashboard["version"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
                if (!ValidUid.IsMatch(uid))
                {
                    answer = (400, uid.Length > 40 ? "uid too long, max 40 characters" : "uid contains illegal characters", null, null);
                }
                else if (title.Trim().Length == 0)
                {
                    answer = (400, "Dashboard title cannot be empty", null, null);
                }
                else if (dashboard["id"] is JsonValue)
                {
                    answer = (400, "A dashboard with the same uid already exists", null, null);
                }
                else if (folderUid.Length > 0 && !c.Org.Folders.Any(f => f.Uid == folderUid))
                {
                    answer = (400, "folder not found", null, null);
                }
                else if (!overwrite && sameTitle is not null)
                {
                    answer = (412, "A dashboard with the same name in the folder already exists", "name-exists", null);
                }
                else if (!overwrite && existing is not null && version != existing.Version)
                {
                    answer = (412, "The dashboard has been changed by someone else", "version-mismatch", null);
                }
                else
                {
                    if (sameTitle is not null)
                    {
                        c.Org.Dashboards.Remove(sameTitle);
                    }

                    var saved = existing ?? new DDashboard(NextId(), uid);
                    saved.Version = (existing?.Version ?? 0) + 1;
                    saved.FolderUid = folderUid;
                    var stored = dashboard.DeepClone().AsObject();
                    stored["id"] = saved.Id;
                    stored["version"] = saved.Version;
                    saved.Json = stored;
                    if (existing is null)
                    {
                        c.Org.Dashboards.Add(saved);
                    }

                    answer = (200, "", null, new JsonObject { ["id"] = saved.Id, ["uid"] = uid, ["url"] = $"/d/{uid}", ["status"] = "success", ["version"] = saved.Version });
                }
            }

            await (answer.Saved is { } s ? Json(context, 200, s)
                : Message(context, answer.Status, answer.Message, answer.State is { } state ? new JsonObject { ["status"] = state } : null));
        });
    }

    private sealed record DDashboard(long Id, string Uid)
    {
        public string FolderUid { get; set; } = "";

        public long Version { get; set; }

        public JsonObject Json { get; set; } = [];
    }
}
