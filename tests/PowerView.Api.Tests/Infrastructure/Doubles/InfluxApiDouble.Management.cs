using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PowerView.Api.Tests.Infrastructure.Doubles;

/// <summary>
/// Authorizations, tasks and queries, as InfluxDB 2.9 behaves (influxdb.md §1.5): a created authorization's token
/// is in the POST answer only, every GET answers an empty <c>token</c> (hashed tokens); an issued token is
/// enforced, reading only the buckets it was granted (bucket lookups and <c>from(bucket:)</c> in queries) and
/// writing nothing. Tasks are listed by name and org (limit 100 by default), their name, schedule and offset
/// taken from the script's <c>option task</c>, and patched or deleted by id.
/// </summary>
public sealed partial class InfluxApiDouble
{
    private static readonly Regex TaskOption = new(@"option\s+task\s*=\s*\{(?<body>[^}]*)\}");
    private static readonly Regex TaskName = new(@"name:\s*""(?<name>(?:[^""\\]|\\.)*)""");
    private static readonly Regex FromBucket = new(@"from\(\s*bucket:\s*""(?<name>(?:[^""\\]|\\.)*)""");

    private readonly ConcurrentDictionary<string, JsonObject> _authorizations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _tokenToAuthorization = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _tasks = new(StringComparer.Ordinal);

    /// <summary>The authorizations, as a GET answers them (empty tokens).</summary>
    public IReadOnlyList<JsonObject> Authorizations => [.. _authorizations.Values.Select(a => a.DeepClone().AsObject())];

    public IReadOnlyList<JsonObject> Tasks => [.. _tasks.Values.Select(t => t.DeepClone().AsObject())];

    public string BucketId(string name) => (string)_buckets[name]["id"]!;

    /// <summary>Answers a query with this token the way InfluxDB would: 200, or 404 for a bucket it may not read.</summary>
    public async Task<int> QueryStatusAsync(string token, string flux)
    {
        using var http = new HttpClient { BaseAddress = Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v2/query?org={OrgName}")
        {
            Content = new StringContent(flux, Encoding.UTF8, "application/vnd.flux"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Token " + token);
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>Adds a task as an operator would (no request recorded).</summary>
    public string AddTask(string flux) => NewTask(OrgId, flux, "active")!;

    private bool IsIssuedToken(string token) =>
        _tokenToAuthorization.TryGetValue(token, out var id) && _authorizations.ContainsKey(id);

    private bool CanRead(string token, JsonObject bucket)
    {
        if (token is AllAccessToken or ReadOnlyToken)
        {
            return true;
        }

        return _tokenToAuthorization.TryGetValue(token, out var id) && _authorizations.TryGetValue(id, out var authorization)
            && (string?)authorization["status"] == "active"
            && authorization["permissions"]!.AsArray().Any(p => (string?)p!["action"] is "read" or "write"
                && (string?)p["resource"]!["type"] == "buckets" && (string?)p["resource"]!["id"] == (string?)bucket["id"]);
    }

    private void MapManagement(WebApplication app)
    {
        app.MapGet("/api/v2/authorizations", context => AllAccess(context, () =>
        {
            var orgId = context.Request.Query["orgID"].ToString();
            var list = _authorizations.Values.Where(a => orgId.Length == 0 || (string?)a["orgID"] == orgId).Select(a => (JsonNode)a.DeepClone());
            return Json(context, 200, new JsonObject { ["links"] = new JsonObject { ["self"] = "/api/v2/authorizations" }, ["authorizations"] = new JsonArray([.. list]) });
        }));
        app.MapGet("/api/v2/authorizations/{id}", (HttpContext context, string id) => AllAccess(context, () =>
            _authorizations.TryGetValue(id, out var a) ? Json(context, 200, a.DeepClone()) : Error(context, 404, "authorization not found")));
        app.MapDelete("/api/v2/authorizations/{id}", (HttpContext context, string id) => AllAccess(context, () =>
        {
            if (!_authorizations.TryRemove(id, out _))
            {
                return Error(context, 404, "authorization not found");
            }

            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        }));
        app.MapPost("/api/v2/authorizations", async context =>
        {
            var request = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
            await AllAccess(context, () => CreateAuthorization(context, request));
        });
        app.MapGet("/api/v2/tasks", context => AllAccess(context, () =>
        {
            var query = context.Request.Query;
            var name = query["name"].ToString();
            var orgId = query["orgID"].ToString();
            var limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 500) : 100;
            var list = _tasks.Values
                .Where(t => (name.Length == 0 || (string?)t["name"] == name) && (orgId.Length == 0 || (string?)t["orgID"] == orgId))
                .OrderBy(t => (string?)t["id"], StringComparer.Ordinal).Take(limit).Select(t => (JsonNode)t.DeepClone());
            return Json(context, 200, new JsonObject { ["links"] = new JsonObject { ["self"] = "/api/v2/tasks" }, ["tasks"] = new JsonArray([.. list]) });
        }));
        app.MapGet("/api/v2/tasks/{id}", (HttpContext context, string id) => AllAccess(context, () =>
            _tasks.TryGetValue(id, out var t) ? Json(context, 200, t.DeepClone()) : Error(context, 404, "task not found")));
        app.MapPost("/api/v2/tasks", async context =>
        {
            var request = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
            await AllAccess(context, () =>
            {
                var orgId = (string?)request["orgID"] ?? "";
                if (orgId != OrgId && (string?)request["org"] != OrgName)
                {
                    return Error(context, 404, "organization not found");
                }

                var id = NewTask(OrgId, (string?)request["flux"] ?? "", (string?)request["status"] ?? "active");
                return id is null ? Error(context, 400, "task must contain a name in its option task") : Json(context, 201, _tasks[id].DeepClone());
            });
        });
        app.MapMethods("/api/v2/tasks/{id}", ["PATCH"], async (HttpContext context, string id) =>
        {
            var request = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
            await AllAccess(context, () =>
            {
                if (!_tasks.TryGetValue(id, out var task))
                {
                    return Error(context, 404, "task not found");
                }

                if ((string?)request["flux"] is { } flux)
                {
                    if (ParseTaskOption(flux) is not { } option)
                    {
                        return Error(context, 400, "task must contain a name in its option task");
                    }

                    (task["flux"], task["name"], task["every"], task["offset"]) = (flux, option.Name, option.Every, option.Offset);
                }

                if ((string?)request["status"] is { } status)
                {
                    task["status"] = status;
                }

                task["updatedAt"] = Now();
                return Json(context, 200, task.DeepClone());
            });
        });
        app.MapDelete("/api/v2/tasks/{id}", (HttpContext context, string id) => AllAccess(context, () =>
        {
            if (!_tasks.TryRemove(id, out _))
            {
                return Error(context, 404, "task not found");
            }

            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        }));
        app.MapPost("/api/v2/query", QueryAsync);
    }

    private Task CreateAuthorization(HttpContext context, JsonObject request)
    {
        if ((string?)request["orgID"] != OrgId)
        {
            return Error(context, 404, "organization not found");
        }

        var permissions = request["permissions"] as JsonArray ?? [];
        foreach (var permission in permissions)
        {
            var resource = permission?["resource"];
            if ((string?)permission?["action"] is not ("read" or "write") || (string?)resource?["type"] is not { } type
                || (type == "buckets" && (string?)resource?["id"] is { } bucketId && !_buckets.Values.Any(b => (string?)b["id"] == bucketId)))
            {
                return Error(context, 400, "invalid permission");
            }
        }

        var id = NextId();
        var token = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "==issued";
        var stored = new JsonObject
        {
            ["id"] = id, ["token"] = "", ["status"] = (string?)request["status"] ?? "active", ["description"] = (string?)request["description"] ?? "",
            ["orgID"] = OrgId, ["org"] = OrgName, ["userID"] = "0a0000000000beef", ["user"] = "admin",
            ["permissions"] = permissions.DeepClone(), ["createdAt"] = Now(), ["updatedAt"] = Now(),
            ["links"] = new JsonObject { ["self"] = $"/api/v2/authorizations/{id}", ["user"] = "/api/v2/users/0a0000000000beef" },
        };
        _authorizations[id] = stored;
        _tokenToAuthorization[token] = id;
        // The only answer that carries the token (2.9: hashed at rest, empty on every GET).
        var answer = stored.DeepClone().AsObject();
        answer["token"] = token;
        return Json(context, 201, answer);
    }

    private async Task QueryAsync(HttpContext context)
    {
        var token = Token(context);
        if (token is null)
        {
            await Unauthorized(context);
            return;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var flux = context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true
            ? (string?)JsonNode.Parse(text)?["query"] ?? ""
            : text;
        foreach (Match match in FromBucket.Matches(flux))
        {
            var name = Regex.Unescape(match.Groups["name"].Value);
            if (!_buckets.TryGetValue(name, out var bucket) || !CanRead(token, bucket))
            {
                await Error(context, 404, $"failed to initialize execute state: could not find bucket \"{name}\"");
                return;
            }
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/csv; charset=utf-8";
        await context.Response.WriteAsync("\r\n");
    }

    /// <summary>Management calls of this double need the all-access token, as an operator token would be.</summary>
    private Task AllAccess(HttpContext context, Func<Task> action)
    {
        var token = Token(context);
        return token is null ? Unauthorized(context)
            : token != AllAccessToken ? Error(context, 401, "unauthorized access")
            : action();
    }

    private string? NewTask(string orgId, string flux, string status)
    {
        if (ParseTaskOption(flux) is not { } option)
        {
            return null;
        }

        var id = NextId();
        _tasks[id] = new JsonObject
        {
            ["id"] = id, ["orgID"] = orgId, ["org"] = OrgName, ["name"] = option.Name, ["status"] = status, ["flux"] = flux,
            ["every"] = option.Every, ["offset"] = option.Offset, ["authorizationID"] = NextId(), ["ownerID"] = "0a0000000000beef",
            ["createdAt"] = Now(), ["updatedAt"] = Now(),
            ["links"] = new JsonObject { ["self"] = $"/api/v2/tasks/{id}", ["runs"] = $"/api/v2/tasks/{id}/runs" },
        };
        return id;
    }

    private static (string Name, string? Every, string? Offset)? ParseTaskOption(string flux)
    {
        var option = TaskOption.Match(flux);
        var name = option.Success ? TaskName.Match(option.Groups["body"].Value) : Match.Empty;
        if (!name.Success)
        {
            return null;
        }

        string? Value(string key) => Regex.Match(option.Groups["body"].Value, key + @":\s*(?<v>-?\w+)") is { Success: true } m ? m.Groups["v"].Value : null;
        return (Regex.Unescape(name.Groups["name"].Value), Value("every"), Value("offset"));
    }

    private string NextId() => Interlocked.Increment(ref _nextId).ToString("x16", CultureInfo.InvariantCulture);

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
