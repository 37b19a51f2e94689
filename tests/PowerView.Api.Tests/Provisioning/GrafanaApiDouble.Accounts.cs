using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PowerView.Api.Tests.Provisioning;

public sealed partial class GrafanaApiDouble
{
    /// <summary>Who is calling: a user signed in with basic auth, or a service-account token bound to one organization.</summary>
    private sealed record CallerInfo(string Name, DUser? User, long? TokenOrg, string? TokenRole);

    private CallerInfo? Caller(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        lock (_gate)
        {
            if (header.StartsWith("Basic ", StringComparison.Ordinal))
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
                var user = _users.FirstOrDefault(u => (u.Login == pair[0] || u.Email == pair[0]) && pair.Length == 2 && u.Password == pair[1]);
                return user is null ? null : new CallerInfo(user.Login, user, null, null);
            }

            if (header.StartsWith("Bearer ", StringComparison.Ordinal) && _serviceTokens.TryGetValue(header[7..], out var sa))
            {
                return new CallerInfo("token:" + sa.OrgId, null, sa.OrgId, sa.Role);
            }
        }

        return null;
    }

    /// <summary>
    /// The organization a request acts in, and the caller's role there; null after answering 401 (no or wrong
    /// credentials, or a header naming an organization the user is not a member of).
    /// </summary>
    private async Task<(CallerInfo Caller, DOrg Org, string Role)?> OrgContextAsync(HttpContext context)
    {
        var caller = Caller(context);
        if (caller is null)
        {
            await Message(context, 401, "Invalid username or password");
            return null;
        }

        var header = context.Request.Headers["X-Grafana-Org-Id"].ToString();
        lock (_gate)
        {
            // A service account belongs to one organization; the header cannot move it (grafana.md §1.1).
            if (caller.TokenOrg is { } tokenOrg && (header.Length == 0 || header == tokenOrg.ToString(CultureInfo.InvariantCulture)))
            {
                return (caller, _orgs.Single(o => o.Id == tokenOrg), caller.TokenRole!);
            }

            var orgId = header.Length > 0 && long.TryParse(header, out var h) ? h : caller.User?.CurrentOrgId;
            var org = _orgs.FirstOrDefault(o => o.Id == orgId);
            if (org is not null && caller.User is { } user && org.Members.TryGetValue(user.Id, out var role))
            {
                return (caller, org, role);
            }
        }

        await Message(context, 401, "User is not a member of the organization");
        return null;
    }

    /// <summary>Server-admin endpoints: basic auth of a server admin; a token is refused (grafana.md §6.11).</summary>
    private async Task<bool> RequireServerAdminAsync(HttpContext context)
    {
        var caller = Caller(context);
        if (caller is null)
        {
            await Message(context, 401, "Invalid username or password");
            return false;
        }

        if (caller.User is not { IsServerAdmin: true })
        {
            await Message(context, 403, "You'll need additional permissions to perform this action. Permissions needed: users:create");
            return false;
        }

        return true;
    }

    private void MapAccounts(WebApplication app)
    {
        app.MapGet("/api/health", () => Results.Json(new { database = "ok", version = "11.6.0", commit = "double" }));
        app.MapGet("/api/org", async context =>
        {
            if (await OrgContextAsync(context) is { } c)
            {
                await Json(context, 200, new JsonObject { ["id"] = c.Org.Id, ["name"] = c.Org.Name });
            }
        });
        app.MapGet("/api/orgs/name/{name}", async (HttpContext context, string name) =>
        {
            if (!await RequireServerAdminAsync(context))
            {
                return;
            }

            DOrg? org;
            lock (_gate)
            {
                org = _orgs.FirstOrDefault(o => o.Name == name);
            }

            await (org is null
                ? Message(context, 404, "Organization not found")
                : Json(context, 200, new JsonObject { ["id"] = org.Id, ["name"] = org.Name, ["address"] = new JsonObject() }));
        });
        app.MapPost("/api/orgs", async context =>
        {
            if (!await RequireServerAdminAsync(context))
            {
                return;
            }

            var name = BodyObject(context)?["name"]?.GetValue<string>() ?? "";
            var caller = Caller(context)!;
            DOrg? created = null;
            lock (_gate)
            {
                if (name.Length > 0 && !_orgs.Any(o => o.Name == name))
                {
                    created = new DOrg(NextId(), name);
                    // Whoever creates an organization becomes its Admin.
                    created.Members[caller.User!.Id] = "Admin";
                    _orgs.Add(created);
                }
            }

            await (created is null
                ? Message(context, name.Length == 0 ? 400 : 409, name.Length == 0 ? "bad request data" : "Organization name taken")
                : Message(context, 200, "Organization created", new JsonObject { ["orgId"] = created.Id }));
        });
        app.MapGet("/api/orgs/{orgId:long}/users", async (HttpContext context, long orgId) =>
        {
            if (!await RequireServerAdminAsync(context))
            {
                return;
            }

            JsonArray? members = null;
            lock (_gate)
            {
                if (_orgs.FirstOrDefault(o => o.Id == orgId) is { } org)
                {
                    members = [.. org.Members.Select(m => (JsonNode)UserJson(_users.Single(u => u.Id == m.Key), orgId, m.Value))];
                }
            }

            await (members is null ? Message(context, 404, "Organization not found") : Json(context, 200, members));
        });
        app.MapPost("/api/orgs/{orgId:long}/users", async (HttpContext context, long orgId) =>
        {
            if (!await RequireServerAdminAsync(context))
            {
                return;
            }

            var body = BodyObject(context);
            var who = body?["loginOrEmail"]?.GetValue<string>() ?? "";
            var role = body?["role"]?.GetValue<string>() ?? "";
            (int Status, string Message, long? UserId) answer;
            lock (_gate)
            {
                var org = _orgs.FirstOrDefault(o => o.Id == orgId);
                var user = _users.FirstOrDefault(u => u.Login == who || u.Email == who);
                answer = org is null ? (404, "Organization not found", null)
                    : user is null ? (404, "User not found", null)
                    : role is not ("Viewer" or "Editor" or "Admin") ? (400, "Invalid role specified", null)
                    : org.Members.ContainsKey(user.Id) ? (409, "User is already member of this organization", user.Id)
                    : (200, "User added to organization", user.Id);
                if (answer.Status == 200)
                {
                    org!.Members[user!.Id] = role;
                }
            }

            await Message(context, answer.Status, answer.Message, answer.UserId is { } id ? new JsonObject { ["userId"] = id } : null);
        });
        app.MapPost("/api/admin/users", async context =>
        {
            if (!await RequireServerAdminAsync(context))
            {
                return;
            }

            var body = BodyObject(context) ?? [];
            var login = body["login"]?.GetValue<string>() ?? "";
            var email = body["email"]?.GetValue<string>() ?? "";
            var password = body["password"]?.GetValue<string>() ?? "";
            var orgId = body["OrgId"]?.GetValue<long>();
            (int Status, string Message, long? Id) answer;
            lock (_gate)
            {
                if (password.Length < 4)
                {
                    answer = (400, "password is missing or too short", null);
                }
                else if (_users.Any(u => u.Login == login || (email.Length > 0 && u.Email == email)))
                {
                    answer = (412, $"User with email '{email}' or username '{login}' already exists", null);
                }
                else if (orgId is { } o && !_orgs.Any(x => x.Id == o))
                {
                    answer = (400, "organization not found", null);
                }
                else
                {
                    // Without OrgId the user is auto-assigned to the main organization (auto_assign_org's default).
                    var user = new DUser(NextId(), login, email, body["name"]?.GetValue<string>() ?? login, password, IsServerAdmin: false)
                    {
                        CurrentOrgId = orgId ?? MainOrgId,
                    };
                    _users.Add(user);
                    _orgs.Single(x => x.Id == user.CurrentOrgId).Members[user.Id] = "Viewer";
                    answer = (200, "User created", user.Id);
                }
            }

            await Message(context, answer.Status, answer.Message, answer.Id is { } id ? new JsonObject { ["id"] = id, ["uid"] = $"u{id}" } : null);
        });
        app.MapGet("/api/users/lookup", async context =>
        {
            if (!await RequireServerAdminAsync(context))
            {
                return;
            }

            var who = context.Request.Query["loginOrEmail"].ToString();
            JsonObject? found = null;
            lock (_gate)
            {
                if (_users.FirstOrDefault(u => u.Login == who || u.Email == who) is { } user)
                {
                    found = UserJson(user, user.CurrentOrgId, null);
                    found["id"] = user.Id;
                }
            }

            await (found is null ? Message(context, 404, "user not found") : Json(context, 200, found));
        });
        MapTeams(app);
    }

    private void MapTeams(WebApplication app)
    {
        app.MapGet("/api/teams/search", async context =>
        {
            if (await AdminContextAsync(context) is not { } c)
            {
                return;
            }

            var name = context.Request.Query["name"].ToString();
            JsonArray teams;
            lock (_gate)
            {
                teams = [.. c.Org.Teams.Where(t => name.Length == 0 || t.Name == name)
                    .Select(t => (JsonNode)new JsonObject { ["id"] = t.Id, ["uid"] = $"t{t.Id}", ["orgId"] = c.Org.Id, ["name"] = t.Name, ["email"] = "", ["memberCount"] = t.Members.Count })];
            }

            // Searching by an exact name answers 404 when there is no such team (grafana.md §2.4).
            await (name.Length > 0 && teams.Count == 0
                ? Message(context, 404, "Team not found")
                : Json(context, 200, new JsonObject { ["totalCount"] = teams.Count, ["teams"] = teams, ["page"] = 1, ["perPage"] = 1000 }));
        });
        app.MapPost("/api/teams", async context =>
        {
            if (await AdminContextAsync(context) is not { } c)
            {
                return;
            }

            // The team goes to the organization of the context; an orgId in the body is ignored (#93375).
            var name = BodyObject(context)?["name"]?.GetValue<string>() ?? "";
            DTeam? team = null;
            lock (_gate)
            {
                if (name.Length > 0 && !c.Org.Teams.Any(t => t.Name == name))
                {
                    team = new DTeam(NextId(), name);
                    c.Org.Teams.Add(team);
                }
            }

            await (team is null
                ? Message(context, name.Length == 0 ? 400 : 409, name.Length == 0 ? "name is required" : "Team name is taken")
                : Message(context, 200, "Team created", new JsonObject { ["teamId"] = team.Id, ["uid"] = $"t{team.Id}" }));
        });
        app.MapGet("/api/teams/{teamId:long}/members", async (HttpContext context, long teamId) =>
        {
            if (await AdminContextAsync(context) is not { } c)
            {
                return;
            }

            JsonArray? members = null;
            lock (_gate)
            {
                if (c.Org.Teams.FirstOrDefault(t => t.Id == teamId) is { } team)
                {
                    members = [.. team.Members.Select(id => _users.Single(u => u.Id == id)).Select(u => (JsonNode)new JsonObject
                    {
                        ["orgId"] = c.Org.Id, ["teamId"] = teamId, ["userId"] = u.Id, ["login"] = u.Login, ["email"] = u.Email, ["name"] = u.Name,
                    })];
                }
            }

            await (members is null ? Message(context, 404, "Team not found") : Json(context, 200, members));
        });
        app.MapPost("/api/teams/{teamId:long}/members", async (HttpContext context, long teamId) =>
        {
            if (await AdminContextAsync(context) is not { } c)
            {
                return;
            }

            var userNode = BodyObject(context)?["userId"];
            (int Status, string Message) answer;
            lock (_gate)
            {
                var team = c.Org.Teams.FirstOrDefault(t => t.Id == teamId);
                var userId = userNode is JsonValue v && v.TryGetValue<long>(out var n) ? n : (long?)null;
                answer = team is null ? (404, "Team not found")
                    : userId is null || !_users.Any(u => u.Id == userId) ? (400, "bad request data")
                    : !team.Members.Add(userId.Value) ? (400, "User is already added to this team")
                    : (200, "Member added to Team");
            }

            await Message(context, answer.Status, answer.Message);
        });
    }

    /// <summary>The org context of an org Admin (or an Admin token); others get 403.</summary>
    private async Task<(CallerInfo Caller, DOrg Org, string Role)?> AdminContextAsync(HttpContext context)
    {
        if (await OrgContextAsync(context) is not { } c)
        {
            return null;
        }

        if (c.Role != "Admin")
        {
            await Message(context, 403, "You'll need additional permissions to perform this action.");
            return null;
        }

        return c;
    }

    private static JsonObject UserJson(DUser user, long orgId, string? role)
    {
        var o = new JsonObject { ["orgId"] = orgId, ["userId"] = user.Id, ["login"] = user.Login, ["email"] = user.Email, ["name"] = user.Name };
        if (role is not null)
        {
            o["role"] = role;
        }

        o["isGrafanaAdmin"] = user.IsServerAdmin;
        return o;
    }

    private sealed record DUser(long Id, string Login, string Email, string Name, string Password, bool IsServerAdmin)
    {
        public long CurrentOrgId { get; set; }
    }

    private sealed class DOrg(long id, string name)
    {
        public long Id { get; } = id;

        public string Name { get; } = name;

        public Dictionary<long, string> Members { get; } = [];

        public List<DTeam> Teams { get; } = [];

        public List<DFolder> Folders { get; } = [];

        public List<DDatasource> Datasources { get; } = [];

        public List<DDashboard> Dashboards { get; } = [];
    }

    private sealed record DTeam(long Id, string Name)
    {
        public HashSet<long> Members { get; } = [];
    }
}
