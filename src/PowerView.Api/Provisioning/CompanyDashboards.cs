using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PowerView.Api.Provisioning;

/// <summary>
/// The dashboards every company gets, from templates embedded in the assembly (<c>Provisioning/Dashboards/*.json</c>).
/// A template references datasources by placeholder uid and names no id; the code substitutes, in the parsed
/// JSON's strings (so JSON escaping is the serializer's business):
/// <list type="bullet">
/// <item><c>__INFLUX_DS__</c>, <c>__API_DS__</c>: the company's datasource uids;</item>
/// <item><c>__OVERVIEW_UID__</c>, <c>__UPLOADS_UID__</c>: dashboard uids, for links;</item>
/// <item><c>__BUCKET__</c>: the company bucket as a Flux string literal, quotes and escapes included;</item>
/// <item><c>__COMPANY__</c>: the company name as it is (titles, the monitoring API's <c>company</c> parameter).</item>
/// </list>
/// </summary>
internal static class CompanyDashboards
{
    public const string OverviewTemplate = "company-overview.json";
    public const string UploadsTemplate = "company-uploads.json";

    public static IReadOnlyList<string> TemplateNames { get; } = [OverviewTemplate, UploadsTemplate];

    /// <summary>The dashboards to save for the company; the uploads one only when its monitoring datasource exists.</summary>
    public static IReadOnlyList<JsonObject> For(CompanyNames names, bool withUploads)
    {
        var list = new List<JsonObject> { Render(OverviewTemplate, names, names.OverviewDashboardUid) };
        if (withUploads)
        {
            list.Add(Render(UploadsTemplate, names, names.UploadsDashboardUid));
        }

        return list;
    }

    public static JsonObject Render(string template, CompanyNames names, string uid)
    {
        var replacements = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["__INFLUX_DS__"] = names.InfluxDatasourceUid,
            ["__API_DS__"] = names.ApiDatasourceUid,
            ["__OVERVIEW_UID__"] = names.OverviewDashboardUid,
            ["__UPLOADS_UID__"] = names.UploadsDashboardUid,
            ["__BUCKET__"] = FluxText.Literal(names.Bucket),
            ["__COMPANY__"] = names.Company,
        };
        var dashboard = Load(template);
        Substitute(dashboard, replacements);
        dashboard["uid"] = uid;
        dashboard["id"] = null;
        return dashboard;
    }

    /// <summary>The template as shipped, placeholders and all.</summary>
    public static JsonObject Load(string template)
    {
        var resource = $"{typeof(CompanyDashboards).Namespace}.Dashboards.{template}";
        using var stream = typeof(CompanyDashboards).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"dashboard template {resource} is not embedded");
        return JsonNode.Parse(stream)!.AsObject();
    }

    private static readonly Regex Placeholder = new("__(INFLUX_DS|API_DS|OVERVIEW_UID|UPLOADS_UID|BUCKET|COMPANY)__", RegexOptions.CultureInvariant);

    /// <summary>Replaces the placeholders of every string in place, in one pass: a company called "x__BUCKET__" stays itself.</summary>
    private static void Substitute(JsonNode? node, IReadOnlyDictionary<string, string> replacements)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    if (child is JsonValue v && v.TryGetValue<string>(out var text))
                    {
                        o[key] = Placeholder.Replace(text, m => replacements[m.Value]);
                    }
                    else
                    {
                        Substitute(child, replacements);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonValue v && v.TryGetValue<string>(out var text))
                    {
                        a[i] = Placeholder.Replace(text, m => replacements[m.Value]);
                    }
                    else
                    {
                        Substitute(a[i], replacements);
                    }
                }

                break;
        }
    }
}
