using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PowerView.Api.Tests.Provisioning;

public sealed partial class GrafanaApiDouble
{
    private static readonly string[] DatasourceFields = ["name", "type", "access", "url", "isDefault", "basicAuth", "basicAuthUser", "withCredentials", "database", "user"];

    private void MapDatasources(WebApplication app)
    {
        app.MapGet("/api/datasources", async context =>
        {
            if (await OrgContextAsync(context) is { } c)
            {
                JsonArray list;
                lock (_gate)
                {
                    list = [.. c.Org.Datasources.Select(d => (JsonNode)Dto(c.Org, d))];
                }

                await Json(context, 200, list);
            }
        });
        app.MapGet("/api/datasources/uid/{uid}", (HttpContext context, string uid) => GetDatasourceAsync(context, d => d.Uid == uid));
        app.MapGet("/api/datasources/name/{name}", (HttpContext context, string name) => GetDatasourceAsync(context, d => d.Object["name"]?.GetValue<string>() == name));
        app.MapPost("/api/datasources", async context =>
        {
            if (await AdminContextAsync(context) is not { } c)
            {
                return;
            }

            var body = BodyObject(context) ?? [];
            var uid = body["uid"]?.GetValue<string>() ?? $"ds{NextId()}";
            var name = body["name"]?.GetValue<string>() ?? "";
            (int Status, string Message, JsonObject? Extra) answer;
            lock (_gate)
            {
                if (name.Length == 0 || body["type"] is null)
                {
                    answer = (400, "Validation error, need to specify name and type", null);
                }
                else if (!ValidUid.IsMatch(uid))
                {
                    answer = (400, "Failed to add datasource: invalid uid", null);
                }
                else if (c.Org.Datasources.Any(d => d.Object["name"]?.GetValue<string>() == name))
                {
                    answer = (409, "data source with the same name already exists", null);
                }
                else if (c.Org.Datasources.Any(d => d.Uid == uid))
                {
                    answer = (409, "data source with the same uid already exists", null);
                }
                else
                {
                    var datasource = new DDatasource(NextId(), uid) { Version = 1 };
                    Apply(datasource, body);
                    c.Org.Datasources.Add(datasource);
                    var dto = Dto(c.Org, datasource);
                    answer = (200, "Datasource added", new JsonObject { ["id"] = datasource.Id, ["name"] = name, ["datasource"] = dto });
                }
            }

            await Message(context, answer.Status, answer.Message, answer.Extra);
        });
        app.MapPut("/api/datasources/uid/{uid}", async (HttpContext context, string uid) =>
        {
            if (await AdminContextAsync(context) is not { } c)
            {
                return;
            }

            var body = BodyObject(context) ?? [];
            (int Status, string Message, JsonObject? Extra) answer;
            lock (_gate)
            {
                var datasource = c.Org.Datasources.FirstOrDefault(d => d.Uid == uid);
                var name = body["name"]?.GetValue<string>() ?? "";
                var version = body["version"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : (long?)null;
                if (datasource is null)
                {
                    answer = (404, "Data source not found", null);
                }
                else if (datasource.ReadOnly)
                {
                    answer = (403, "Cannot update read-only data source", null);
                }
                else if (version is { } sent && sent != datasource.Version)
                {
                    answer = (409, "Datasource has already been updated by someone else. Please reload and try again", null);
                }
                else if (c.Org.Datasources.Any(d => d != datasource && d.Object["name"]?.GetValue<string>() == name))
                {
                    answer = (409, "data source with the same name already exists", null);
                }
                else
                {
                    Apply(datasource, body);
                    datasource.Version++;
                    answer = (200, "Datasource updated", new JsonObject { ["id"] = datasource.Id, ["name"] = name, ["datasource"] = Dto(c.Org, datasource) });
                }
            }

            await Message(context, answer.Status, answer.Message, answer.Extra);
        });
    }

    private async Task GetDatasourceAsync(HttpContext context, Func<DDatasource, bool> match)
    {
        if (await OrgContextAsync(context) is not { } c)
        {
            return;
        }

        JsonObject? dto;
        lock (_gate)
        {
            dto = c.Org.Datasources.FirstOrDefault(match) is { } d ? Dto(c.Org, d) : null;
        }

        await (dto is null ? Message(context, 404, "Data source not found") : Json(context, 200, dto));
    }

    /// <summary>Plain fields and <c>jsonData</c> are replaced wholesale; secure keys sent replace theirs, the others stay.</summary>
    private static void Apply(DDatasource datasource, JsonObject body)
    {
        foreach (var field in DatasourceFields)
        {
            datasource.Object[field] = body[field]?.DeepClone();
        }

        datasource.Object["jsonData"] = body["jsonData"]?.DeepClone() ?? new JsonObject();
        if (body["secureJsonData"] is JsonObject secure)
        {
            foreach (var (key, value) in secure)
            {
                datasource.Secure[key] = value?.GetValue<string>() ?? "";
            }
        }
    }

    /// <summary>What Grafana answers: never a secret, only which secure keys are set.</summary>
    private static JsonObject Dto(DOrg org, DDatasource datasource)
    {
        var dto = datasource.Object.DeepClone().AsObject();
        dto["id"] = datasource.Id;
        dto["uid"] = datasource.Uid;
        dto["orgId"] = org.Id;
        dto["version"] = datasource.Version;
        dto["readOnly"] = datasource.ReadOnly;
        dto["secureJsonFields"] = new JsonObject([.. datasource.Secure.Keys.Select(k => new KeyValuePair<string, JsonNode?>(k, true))]);
        return dto;
    }

    private sealed record DDatasource(long Id, string Uid)
    {
        public JsonObject Object { get; } = [];

        public Dictionary<string, string> Secure { get; } = new(StringComparer.Ordinal);

        public long Version { get; set; }

        public bool ReadOnly { get; init; }
    }
}
