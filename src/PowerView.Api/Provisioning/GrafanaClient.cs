using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace PowerView.Api.Provisioning;

/// <summary>
/// Grafana's HTTP API in our own terms (grafana.md §2). Every <c>Ensure…</c> looks up before it creates and,
/// when a create conflicts (409, 412, or a 400 saying it already exists: another process got there first),
/// reads again and returns what it finds. Organization-scoped calls carry <c>X-Grafana-Org-Id</c> when the
/// provisioner signs in as the server admin; a service-account token is bound to its own organization and
/// sends none. Nothing secret is ever put in a URL or a log line; Grafana's error message goes into the
/// <see cref="GrafanaException"/>.
/// </summary>
internal sealed partial class GrafanaClient(HttpClient http, IOptions<GrafanaOptions> options, ILogger<GrafanaClient> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private bool UsesAdminLogin => options.Value.HasAdminLogin;

    /// <summary>Sets the base address and the credentials: server-admin basic auth when given, else the token.</summary>
    public static void Configure(HttpClient http, GrafanaOptions o)
    {
        var root = o.Url.EndsWith('/') ? o.Url : o.Url + "/";
        http.BaseAddress = new Uri(root, UriKind.Absolute);
        http.DefaultRequestHeaders.Authorization = o.HasAdminLogin
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.AdminUser}:{o.AdminPassword}")))
            : new AuthenticationHeaderValue("Bearer", o.Token);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>The organization the credentials act in without a header: the main one (or the token's).</summary>
    public async Task<long> GetCurrentOrganizationIdAsync(CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Get, "api/org", null, null, ct);
        return answer.Require("read the current organization").AsObject().Long("id");
    }

    private async Task<GrafanaAnswer> SendAsync(HttpMethod method, string path, long? orgId, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (orgId is { } org && UsesAdminLogin)
        {
            request.Headers.Add("X-Grafana-Org-Id", org.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonNode? node = null;
        try
        {
            node = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // A proxy's HTML error page: the status says enough, and the text goes into the exception.
        }

        // Paths name objects (uids, logins), never secrets: they can be logged.
        log.LogDebug("Grafana {Method} {Path} (org {OrgId}): {Status}", method.Method, path, orgId, (int)response.StatusCode);
        return new GrafanaAnswer(method, path, response.StatusCode, node, node is null ? text : null);
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}

/// <summary>One answer of Grafana, with the helpers that turn an unexpected status into a <see cref="GrafanaException"/>.</summary>
internal sealed record GrafanaAnswer(HttpMethod Method, string Path, HttpStatusCode Status, JsonNode? Body, string? RawText)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public bool Is(HttpStatusCode status) => Status == status;

    /// <summary>Grafana's own <c>message</c> (grafana.md §1.1), or the raw text when the body was not JSON.</summary>
    public string Message => (Body as JsonObject)?["message"]?.GetValue<string>() ?? RawText ?? "";

    public bool SaysAlreadyExists => Message.Contains("already", StringComparison.OrdinalIgnoreCase)
        || Message.Contains("taken", StringComparison.OrdinalIgnoreCase)
        || Message.Contains("exists", StringComparison.OrdinalIgnoreCase);

    public JsonNode Require(string what) => IsSuccess && Body is not null ? Body : throw Failure(what);

    public GrafanaException Failure(string what) => new(what, Method.Method, Path, (int)Status, Message);

}

internal static class GrafanaJson
{
    public static long Long(this JsonObject node, string property) => node[property] switch
    {
        JsonValue v when v.TryGetValue<long>(out var n) => n,
        // POST /api/orgs answered the id as a string on older versions (grafana.md §2.1).
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, out var n) => n,
        _ => throw new GrafanaException($"read '{property}'", "", "", 0, $"the answer has no numeric '{property}'"),
    };

    public static string? Str(this JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool Flag(this JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}

/// <summary>Grafana refused or failed a call; the message is Grafana's own.</summary>
internal sealed class GrafanaException(string what, string method, string path, int status, string grafanaMessage)
    : Exception($"Grafana could not {what}: {method} /{path} answered {status}: {grafanaMessage}")
{
    public int Status { get; } = status;

    public string GrafanaMessage { get; } = grafanaMessage;
}
