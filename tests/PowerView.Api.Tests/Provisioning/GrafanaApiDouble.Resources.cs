using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PowerView.Api.Tests.Provisioning;

public sealed partial class GrafanaApiDouble
{
    private static readonly Regex ValidUid = new("^[a-zA-Z0-9_-]{1,40}$");

    private void MapResources(WebApplication app)
    {
        app.MapGet("/api/folders", async context =>
        {
            if (await OrgContextAsync(context) is not { } c)
            {
                return;
            }

            JsonArray list;
            lock (_gate)
            {
                list = [.. c.Org.Folders.Where(f => CanView(c, f)).Select(f => (JsonNode)new JsonObject { ["id"] = f.Id, ["uid"] = f.Uid, ["title"] = f.Title })];
            }

            await Json(context, 200, list);
        });
        app.MapGet("/api/folders/{uid}", async (HttpContext context, string uid) =>
        {
            if (await OrgContextAsync(context) is not { } c)
            {
                return;
            }

            (int Status, JsonObject? Folder) answer;
            lock (_gate)
            {
                var folder = c.Org.Folders.FirstOrDefault(f => f.Uid == uid);
                answer = folder is null ? (404, null) : !CanView(c, folder) ? (403, null) : (200, FolderJson(folder));
            }

            await (answer.Status == 200 ? Json(context, 200, answer.Folder!) : Message(context, answer.Status, answer.Status == 404 ? "folder not found" : "Access denied"));
        });
        app.MapPost("/api/folders", async context =>
        {
            if (await AdminContextAsync(context) is not { } c)
            {
                return;
            }

            var body = BodyObject(context) ?? [];
            var uid = body["uid"]?.GetValue<string>() ?? $"f{NextId()}";
            var title = body["title"]?.GetValue<string>() ?? "";
            (int Status, string Message, JsonObject? Folder) answer;
            lock (_gate)
            {
                if (!ValidUid.IsMatch(uid) || uid == "general")
                {
                    answer = (400, uid.Length > 40 ? "uid too long, max 40 characters" : "uid contains illegal characters", null);
                }
                else if (title.Length == 0)
                {
                    answer = (400, "folder title cannot be empty", null);
                }
                else if (c.Org.Folders.Any(f => f.Uid == uid))
                {
                    answer = (FolderUidConflictStatus, FolderUidConflictStatus == 412 ? "the folder has been changed by someone else" : "a folder with the same uid already exists", null);
                }
                else if (c.Org.Folders.Any(f => f.Title == title))
                {
                    answer = (409, "a folder with the same name already exists in the current location", null);
                }
                else
                {
                    var folder = new DFolder(NextId(), uid, title);
                    // New root folders: Viewers view, Editors edit, and the creator administers (grafana.md §6.1).
                    folder.Grants.Add(new Grant(0, 0, "Viewer", 1));
                    folder.Grants.Add(new Grant(0, 0, "Editor", 2));
                    if (c.Caller.User is { } creator)
                    {
                        folder.Grants.Add(new Grant(0, creator.Id, "", 4));
                    }

                    c.Org.Folders.Add(folder);
                    answer = (200, "", FolderJson(folder));
                }
            }

            await (answer.Folder is { } f ? Json(context, 200, f) : Message(context, answer.Status, answer.Message));
        });
        app.MapGet("/api/folders/{uid}/permissions", async (HttpContext context, string uid) =>
        {
            if (await AdminContextAsync(context) is not { } c)
            {
                return;
            }

            JsonArray? grants = null;
            lock (_gate)
            {
                if (c.Org.Folders.FirstOrDefault(f => f.Uid == uid) is { } folder)
                {
                    grants = [.. folder.Grants.Select(g => (JsonNode)new JsonObject
                    {
                        ["folderId"] = folder.Id, ["uid"] = folder.Uid, ["title"] = folder.Title, ["teamId"] = g.TeamId, ["userId"] = g.UserId,
                        ["role"] = g.Role, ["permission"] = g.Permission, ["permissionName"] = g.Permission switch { 1 => "View", 2 => "Edit", _ => "Admin" },
                        ["inherited"] = false, ["isFolder"] = true,
                    })];
                }
            }

            await (grants is null ? Message(context, 404, "folder not found") : Json(context, 200, grants));
        });
        app.MapPost("/api/folders/{uid}/permissions", async (HttpContext context, string uid) =>
        {
            if (await AdminContextAsync(context) is not { } c)
            {
                return;
            }

            var items = BodyObject(context)?["items"] as JsonArray ?? [];
            (int Status, string Message) answer;
            lock (_gate)
            {
                var folder = c.Org.Folders.FirstOrDefault(f => f.Uid == uid);
                var parsed = items.OfType<JsonObject>().Select(ParseGrant).ToList();
                answer = folder is null ? (404, "folder not found")
                    : parsed.Any(g => g is null) ? (400, "bad request data")
                    : parsed.Distinct().Count() != parsed.Count ? (400, "Permission already exists")
                    : parsed.Any(g => g!.TeamId != 0 && !c.Org.Teams.Any(t => t.Id == g.TeamId)) ? (404, "Team not found")
                    : (200, "Folder permissions updated");
                if (answer.Status == 200)
                {
                    // The legacy API replaces the whole list: what is not sent is removed (grafana.md §6.2).
                    folder!.Grants.Clear();
                    folder.Grants.AddRange(parsed!);
                }
            }

            await Message(context, answer.Status, answer.Message);
        });
        MapDatasources(app);
        MapDashboards(app);
    }

    /// <summary>teamId and userId must be JSON numbers (a string is a 400), exactly one target per item.</summary>
    private static Grant? ParseGrant(JsonObject item)
    {
        static long? Id(JsonNode? n) => n is null ? 0 : n is JsonValue v && v.TryGetValue<long>(out var id) ? id : null;
        var team = Id(item["teamId"]);
        var user = Id(item["userId"]);
        var role = item["role"]?.GetValue<string>() ?? "";
        var permission = item["permission"] is JsonValue p && p.TryGetValue<int>(out var n) ? n : 0;
        var targets = (team > 0 ? 1 : 0) + (user > 0 ? 1 : 0) + (role.Length > 0 ? 1 : 0);
        return team is null || user is null || targets != 1 || permission is not (1 or 2 or 4) || role is not ("" or "Viewer" or "Editor")
            ? null
            : new Grant(team.Value, user.Value, role, permission);
    }

    private bool CanView((CallerInfo Caller, DOrg Org, string Role) c, DFolder folder)
    {
        if (c.Role == "Admin")
        {
            return true;
        }

        var userId = c.Caller.User?.Id ?? -1;
        return folder.Grants.Any(g => (g.Role.Length > 0 && (g.Role == c.Role || (g.Role == "Viewer" && c.Role == "Editor")))
            || (g.UserId != 0 && g.UserId == userId)
            || (g.TeamId != 0 && c.Org.Teams.Any(t => t.Id == g.TeamId && t.Members.Contains(userId))));
    }

    private static JsonObject FolderJson(DFolder folder) => new()
    {
        ["id"] = folder.Id, ["uid"] = folder.Uid, ["title"] = folder.Title, ["url"] = $"/dashboards/f/{folder.Uid}/", ["hasAcl"] = false,
        ["canSave"] = true, ["canEdit"] = true, ["canAdmin"] = true, ["version"] = 1,
    };

    private sealed record DFolder(long Id, string Uid, string Title)
    {
        public string Title { get; set; } = Title;

        public List<Grant> Grants { get; } = [];
    }

    private sealed record Grant(long TeamId, long UserId, string Role, int Permission);
}
