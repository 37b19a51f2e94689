using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>
/// The parts of Grafana's HTTP API that provisioning uses, served by Kestrel on a loopback port, behaving as
/// docs grafana.md §1–2 and §6 describe rather than as our code expects: server-admin basic auth against
/// service-account tokens (which get 403 on admin APIs and are bound to their organization); several
/// organizations, the org context taken from <c>X-Grafana-Org-Id</c> (the user must be a member, else 401) or
/// the user's current one; organizations by name (404) and 409 on a taken name; teams searched by name (404
/// when absent), 409 on a taken name, 400 for a member already added; folders with 409 (or 412, as up to
/// 10.1) for an existing uid, the default Viewer/Editor/creator grants until a legacy permission POST
/// replaces them all (400 for a non-numeric team id or a duplicate), and folder reads checked against those
/// grants; datasources by uid and name, 409 for a taken uid or name or a stale version, <c>secureJsonData</c>
/// never returned (only <c>secureJsonFields</c>), PUT keeping omitted secure keys and replacing
/// <c>jsonData</c>; dashboards upserted with <c>overwrite</c> (412 otherwise), into an existing folder;
/// users created in <c>OrgId</c> (or, without it, auto-assigned to the main organization as Grafana does by
/// default), 412 on a duplicate login or email; org users 409 when already a member. Tests can script failures
/// and hold requests until several have arrived (to make two provisioners race).
/// </summary>
public sealed partial class GrafanaApiDouble : IAsyncDisposable
{
    public const string AdminLogin = "admin";
    public const string AdminPassword = "double-admin-password";
    public const long MainOrgId = 1;

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly ConcurrentQueue<GrafanaRequest> _requests = new();
    private readonly List<Fault> _faults = [];
    private readonly ConcurrentDictionary<string, RequestGate> _holds = new(StringComparer.Ordinal);
    private readonly List<DUser> _users = [];
    private readonly List<DOrg> _orgs = [];
    private readonly Dictionary<string, (long OrgId, string Role)> _serviceTokens = new(StringComparer.Ordinal);
    private long _nextId = 100;

    private GrafanaApiDouble(WebApplication app)
    {
        _app = app;
        _users.Add(new DUser(1, AdminLogin, "admin@localhost", "Admin", AdminPassword, IsServerAdmin: true) { CurrentOrgId = MainOrgId });
        var main = new DOrg(MainOrgId, "Main Org.");
        main.Members[1] = "Admin";
        _orgs.Add(main);
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>Status Grafana answers for a folder uid that exists: 409 from 10.2, 412 up to 10.1 (grafana.md §6.3).</summary>
    public int FolderUidConflictStatus { get; set; } = 409;

    public IReadOnlyList<GrafanaRequest> Requests => [.. _requests];

    public static async Task<GrafanaApiDouble> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var grafana = new GrafanaApiDouble(app);
        grafana.Map(app);
        await app.StartAsync();
        grafana.Url = new Uri(app.Urls.Single());
        return grafana;
    }

    /// <summary>A service-account token with a role in one organization (Admin: what Team tenancy is given).</summary>
    public string AddServiceAccountToken(long orgId, string role = "Admin")
    {
        var token = $"glsa_double_{orgId}_{role}_{_serviceTokens.Count}";
        lock (_gate)
        {
            _serviceTokens[token] = (orgId, role);
        }

        return token;
    }

    /// <summary>The next <paramref name="times"/> requests matching fail with this status and Grafana's message body.</summary>
    public void FailNext(string method, string pathPrefix, int status, string message, int times = 1)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(method, pathPrefix, status, message) { Remaining = times });
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>
    /// Requests <c>METHOD path</c> wait until <paramref name="count"/> of them have arrived, then all go on (later ones too).
    /// The answer is decided after the wait: hold the creates, not the lookups, to make two processes both create.
    /// </summary>
    public void Hold(string method, string path, int count) => _holds[method + " " + path] = new RequestGate(count);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            string? body = null;
            if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                using var reader = new StreamReader(request.Body, Encoding.UTF8);
                body = await reader.ReadToEndAsync();
                context.Items["body"] = body;
            }

            if (_holds.TryGetValue(request.Method + " " + request.Path, out var hold))
            {
                await hold.ArriveAsync();
            }

            Fault? fault;
            lock (_gate)
            {
                fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.Method == request.Method
                    && (request.Path.Value ?? "").StartsWith(f.PathPrefix, StringComparison.Ordinal));
                if (fault is not null)
                {
                    fault.Remaining--;
                }
            }

            if (fault is not null)
            {
                await Message(context, fault.Status, fault.Message);
            }
            else
            {
                await next(context);
            }

            _requests.Enqueue(new GrafanaRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "",
                request.Headers["X-Grafana-Org-Id"].ToString(), Caller(context)?.Name ?? "", context.Response.StatusCode, body));
        });
        MapAccounts(app);
        MapResources(app);
    }

    private static JsonObject? BodyObject(HttpContext context) =>
        context.Items.TryGetValue("body", out var body) && body is string text && text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null;

    private static Task Message(HttpContext context, int status, string message, JsonObject? extra = null)
    {
        var body = extra ?? [];
        body["message"] = message;
        return Json(context, status, body);
    }

    private static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private long NextId() => Interlocked.Increment(ref _nextId);

    private sealed class Fault(string method, string pathPrefix, int status, string message)
    {
        public string Method { get; } = method;

        public string PathPrefix { get; } = pathPrefix;

        public int Status { get; } = status;

        public string Message { get; } = message;

        public int Remaining { get; set; }
    }

    private sealed class RequestGate(int count)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) >= count)
            {
                _open.TrySetResult();
            }

            // A safety net only; the racing test fails on its own assertions if the other caller never comes.
            return _open.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}

/// <param name="OrgHeader">The <c>X-Grafana-Org-Id</c> sent, empty when none.</param>
/// <param name="Caller">Who signed in: a login, or <c>token:&lt;org&gt;</c>; empty when nobody could.</param>
public sealed record GrafanaRequest(string Method, string Path, string Query, string OrgHeader, string Caller, int Status, string? Body)
{
    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    public override string ToString() => $"{Method} {Path}{Query} (org {OrgHeader}) → {Status}";
}
