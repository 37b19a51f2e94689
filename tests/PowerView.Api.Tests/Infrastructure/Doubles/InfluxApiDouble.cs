using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PowerView.Api.Tests.Infrastructure.Doubles;

/// <summary>
/// The parts of the InfluxDB 2.x OSS HTTP API that PowerView uses, served by Kestrel on a loopback port
/// (InfluxDB.Client builds its own HttpClient, so it needs a real socket). It behaves as
/// docs/influxdb.md §1 documents v2.7: token auth (401, and 403 for a read-only token on write), orgs
/// looked up by name (404 when unknown), buckets found by name and org (one or 404) and created once
/// (422 conflict for a duplicate, 400 for a leading '_' or a '"'), and writes that need an existing org and
/// bucket (404), are gunzipped, parsed as a whole (400 with the offending line, nothing stored) and
/// answered 204. Errors carry InfluxDB's body <c>{"code","message"}</c> and <c>X-Platform-Error-Code</c>.
/// Tests can script failures of the next writes: a status (with Retry-After in integer seconds, as the
/// client parses it), a dropped connection, or no answer until the client gives up.
/// </summary>
public sealed partial class InfluxApiDouble : IAsyncDisposable
{
    public const string OrgName = "powerview-org";
    public const string OrgId = "0a1b2c3d4e5f6071";
    public const string AllAccessToken = "double-all-access-token";
    public const string ReadOnlyToken = "double-read-only-token";
    public const string Version = "v2.7.12";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<WriteFault> _nextWriteFaults = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<AcceptedWrite> _writes = new();
    private readonly ConcurrentDictionary<string, LookupGate> _lookupGates = new(StringComparer.Ordinal);
    private const string RecordedKey = "recorded";

    private long _nextId = 0x0a00000000000000;

    private InfluxApiDouble(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>
    /// Every request so far, in the order the double decided them: an answered request before its answer ends, a
    /// dropped or unanswered one (status 0) before the client can notice. So a retry always comes after the try it
    /// repeats, and what a client got an answer for (or gave up on) is here when its call returns.
    /// </summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Every write that was stored (answered 204).</summary>
    public IReadOnlyList<AcceptedWrite> Writes => [.. _writes];

    /// <summary>A fault applied to every write while set (after the scripted ones): an outage.</summary>
    public WriteFault? Outage { get; set; }

    public IReadOnlyCollection<string> BucketNames => _buckets.Values.Select(b => (string)b["name"]!).ToList();

    public static async Task<InfluxApiDouble> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var influx = new InfluxApiDouble(app);
        influx.Map(app);
        await app.StartAsync();
        influx.Url = new Uri(app.Urls.Single());
        return influx;
    }

    /// <summary>The next writes fail like this, one fault per request, before anything else is checked.</summary>
    public void FailNextWrites(params WriteFault[] faults)
    {
        foreach (var fault in faults)
        {
            _nextWriteFaults.Enqueue(fault);
        }
    }

    /// <summary>Creates a bucket as an operator would (no request recorded).</summary>
    public void AddBucket(string name) => _buckets.TryAdd(name, NewBucket(name));

    /// <summary>
    /// Holds lookups of bucket <paramref name="name"/> by name and org until <paramref name="count"/> of them
    /// have arrived, then answers them all: each caller sees the bucket missing and goes on to create it,
    /// as two instances starting at once would.
    /// </summary>
    public void HoldBucketLookups(string name, int count) => _lookupGates[name] = new LookupGate(count);

    /// <summary>The lines stored in a bucket, in write order.</summary>
    public IEnumerable<LineProtocolLine> LinesIn(string bucket) => Writes.Where(w => w.Bucket == bucket).SelectMany(w => w.Lines);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            await next(context);
            if (!context.Items.ContainsKey(RecordedKey))
            {
                Record(context, context.Response.StatusCode);
            }
        });

        app.MapMethods("/ping", ["GET", "HEAD"], context =>
        {
            context.Response.Headers["X-Influxdb-Build"] = "OSS";
            context.Response.Headers["X-Influxdb-Version"] = Version;
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        app.MapGet("/health", () => Results.Json(new
        {
            name = "influxdb", message = "ready for queries and writes", status = "pass", checks = Array.Empty<object>(), version = Version, commit = "double",
        }));
        app.MapGet("/ready", () => Results.Json(new { status = "ready", started = "2026-01-01T00:00:00Z", up = "1h0m0s" }));
        app.MapGet("/api/v2/orgs", Orgs);
        app.MapGet("/api/v2/buckets", FindBucketsAsync);
        app.MapPost("/api/v2/buckets", CreateBucketAsync);
        app.MapPost("/api/v2/write", WriteAsync);
        MapManagement(app);
    }

    private Task Orgs(HttpContext context)
    {
        if (Token(context) is null)
        {
            return Unauthorized(context);
        }

        var byName = context.Request.Query["org"].ToString();
        var byId = context.Request.Query["orgID"].ToString();
        if ((byName.Length > 0 && byName != OrgName) || (byId.Length > 0 && byId != OrgId))
        {
            return Error(context, 404, byName.Length > 0 ? $"organization name \"{byName}\" not found" : "organization not found");
        }

        return Json(context, 200, new JsonObject
        {
            ["links"] = new JsonObject { ["self"] = "/api/v2/orgs" },
            ["orgs"] = new JsonArray(NewOrg()),
        });
    }

    private async Task FindBucketsAsync(HttpContext context)
    {
        if (Token(context) is null)
        {
            await Unauthorized(context);
            return;
        }

        var name = context.Request.Query["name"].ToString();
        var org = context.Request.Query["org"].ToString();
        var orgId = context.Request.Query["orgID"].ToString();
        if ((org.Length > 0 && org != OrgName) || (orgId.Length > 0 && orgId != OrgId))
        {
            await Error(context, 404, org.Length > 0 ? $"organization name \"{org}\" not found" : "organization not found");
            return;
        }

        // The answer is decided on arrival; a held lookup only delays it, so every held caller sees
        // the same state (two instances that both found the bucket missing), however slow the machine.
        var missing = !_buckets.ContainsKey(name);
        if (name.Length > 0 && _lookupGates.TryGetValue(name, out var gate))
        {
            await gate.ArriveAsync();
        }

        // With a name and an org the API answers one bucket or 404; otherwise a (possibly empty) list.
        if (name.Length > 0 && (org.Length > 0 || orgId.Length > 0) && missing)
        {
            await Error(context, 404, $"bucket \"{name}\" not found");
            return;
        }

        // A token sees only the buckets it may read (an issued, bucket-scoped one: its own).
        var token = Token(context)!;
        if (name.Length > 0 && (org.Length > 0 || orgId.Length > 0) && !CanRead(token, _buckets[name]))
        {
            await Error(context, 404, $"bucket \"{name}\" not found");
            return;
        }

        var limit = int.TryParse(context.Request.Query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 20;
        var found = _buckets.Values.Where(b => (name.Length == 0 || (string)b["name"]! == name) && CanRead(token, b)).Take(limit).Select(b => b.DeepClone());
        await Json(context, 200, new JsonObject
        {
            ["links"] = new JsonObject { ["self"] = "/api/v2/buckets" },
            ["buckets"] = new JsonArray([.. found]),
        });
    }

    private async Task CreateBucketAsync(HttpContext context)
    {
        var token = Token(context);
        if (token is null)
        {
            await Unauthorized(context);
            return;
        }

        var request = await JsonNode.ParseAsync(context.Request.Body);
        var orgId = (string?)request?["orgID"];
        var name = (string?)request?["name"] ?? "";
        if (token != AllAccessToken)
        {
            // The v2 authorizer answers a missing permission with EUnauthorized.
            await Error(context, 401, $"write:orgs/{orgId}/buckets is unauthorized");
            return;
        }

        if (orgId != OrgId)
        {
            await Error(context, 404, "organization not found");
            return;
        }

        if (name.Length == 0 || name.StartsWith('_') || name.Contains('"', StringComparison.Ordinal))
        {
            await Error(context, 400, name.StartsWith('_')
                ? $"bucket name {name} is invalid. Buckets may not start with underscore"
                : $"bucket name {name} is invalid. Bucket names may not include quotation marks");
            return;
        }

        var bucket = NewBucket(name, request?["retentionRules"]?.DeepClone() as JsonArray);
        if (!_buckets.TryAdd(name, bucket))
        {
            await Error(context, 422, $"bucket with name {name} already exists");
            return;
        }

        await Json(context, 201, bucket.DeepClone());
    }

    private async Task WriteAsync(HttpContext context)
    {
        if (_nextWriteFaults.TryDequeue(out var fault) || (fault = Outage) is not null)
        {
            await ApplyAsync(fault, context);
            return;
        }

        var token = Token(context);
        if (token is null)
        {
            await Unauthorized(context);
            return;
        }

        var query = context.Request.Query;
        var org = query["org"].ToString();
        var orgId = query["orgID"].ToString();
        var bucket = query["bucket"].ToString();
        var precision = query["precision"].ToString() is { Length: > 0 } p ? p : "ns";
        if (org.Length == 0 && orgId.Length == 0)
        {
            await Error(context, 400, "Please provide either orgID or org");
            return;
        }

        if ((org.Length > 0 && org != OrgName) || (orgId.Length > 0 && orgId != OrgId))
        {
            await Error(context, 404, org.Length > 0 ? $"organization name \"{org}\" not found" : "organization not found");
            return;
        }

        if (bucket.Length == 0 || !_buckets.ContainsKey(bucket))
        {
            await Error(context, 404, $"bucket \"{bucket}\" not found");
            return;
        }

        if (token != AllAccessToken)
        {
            await Error(context, 403, "insufficient permissions for write");
            return;
        }

        if (precision is not ("ns" or "us" or "ms" or "s"))
        {
            await Error(context, 400, "invalid precision; valid precision units are ns, us, ms, and s");
            return;
        }

        string body;
        try
        {
            body = await ReadBodyAsync(context.Request);
        }
        catch (InvalidDataException ex)
        {
            await Error(context, 500, $"gzip: {ex.Message}");
            return;
        }

        context.Items["body"] = body;
        var lines = new List<LineProtocolLine>();
        var failures = new List<string>();
        foreach (var line in body.Split('\n'))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (LineProtocolLine.TryParse(line, out var parsed, out var error))
            {
                lines.Add(parsed);
            }
            else
            {
                failures.Add($"unable to parse '{line}': {error}");
            }
        }

        context.Items["lines"] = lines.Count + failures.Count;
        if (failures.Count > 0)
        {
            // The whole body is parsed before anything is stored: one bad line rejects it all.
            await Error(context, 400, string.Join('\n', failures));
            return;
        }

        _writes.Enqueue(new AcceptedWrite(bucket, org.Length > 0 ? org : orgId, precision, context.Request.Headers.ContentEncoding.ToString(), lines));
        context.Response.StatusCode = 204;
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        Stream body = request.Body;
        await using var gunzip = encoding is "gzip" or "x-gzip" ? new GZipStream(body, CompressionMode.Decompress) : null;
        using var reader = new StreamReader(gunzip ?? body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>
    /// Records a request once. An answered request is recorded before its answer is complete (the middleware runs
    /// before Kestrel ends the response), so a client that got its answer finds it in <see cref="Requests"/>.
    /// </summary>
    private void Record(HttpContext context, int status)
    {
        context.Items[RecordedKey] = true;
        _requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            status,
            context.Request.Headers.Authorization.ToString(),
            context.Request.Headers.ContentEncoding.ToString(),
            context.Items.TryGetValue("lines", out var lines) ? (int)lines! : 0,
            context.Items.TryGetValue("body", out var body) ? (string)body! : null));
    }

    private async Task ApplyAsync(WriteFault fault, HttpContext context)
    {
        switch (fault)
        {
            case WriteFault.Status status:
                if (status.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await Error(context, status.Code, status.Message ?? DefaultMessage(status.Code));
                break;
            case WriteFault.Drop:
                // Recorded (status 0) before the connection goes: the client's retry cannot overtake the record,
                // nor find it missing once its own answer came.
                Record(context, 0);
                context.Abort();
                break;
            case WriteFault.NoAnswer:
                // Answer only when the client has given up (its timeout closes the connection). Recorded now, for
                // the same reason: when the double notices the client left can be after the retry was answered.
                Record(context, 0);
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                break;
        }
    }

    private static string DefaultMessage(int status) => status switch
    {
        429 => "too many requests",
        500 => "engine: cache-max-memory-size exceeded",
        503 => "service unavailable",
        _ => "error",
    };

    private string? Token(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Token ", StringComparison.Ordinal) ? header[6..]
            : header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..]
            : null;
        return token is AllAccessToken or ReadOnlyToken || (token is not null && IsIssuedToken(token)) ? token : null;
    }

    private static Task Unauthorized(HttpContext context) => Error(context, 401, "unauthorized access");

    /// <summary>InfluxDB's error body and header; the code follows the status (kit/transport/http/error_handler.go).</summary>
    private static Task Error(HttpContext context, int status, string message)
    {
        var code = status switch
        {
            400 => "invalid",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not found",
            413 => "request too large",
            422 => message.Contains("already exists", StringComparison.Ordinal) ? "conflict" : "unprocessable entity",
            429 => "too many requests",
            503 => "unavailable",
            _ => "internal error",
        };
        context.Response.Headers["X-Platform-Error-Code"] = code;
        return Json(context, status, new JsonObject { ["code"] = code, ["message"] = message });
    }

    private static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static JsonObject NewOrg() => new()
    {
        ["id"] = OrgId,
        ["name"] = OrgName,
        ["description"] = "",
        ["status"] = "active",
        ["createdAt"] = "2026-01-01T00:00:00Z",
        ["updatedAt"] = "2026-01-01T00:00:00Z",
        ["links"] = new JsonObject { ["self"] = $"/api/v2/orgs/{OrgId}", ["buckets"] = $"/api/v2/buckets?org={OrgName}" },
    };

    private JsonObject NewBucket(string name, JsonArray? retentionRules = null)
    {
        var id = Interlocked.Increment(ref _nextId).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = id,
            ["orgID"] = OrgId,
            ["type"] = "user",
            ["name"] = name,
            // OSS stores a missing rule list as infinite retention and answers [].
            ["retentionRules"] = retentionRules ?? [],
            ["createdAt"] = "2026-01-01T00:00:00Z",
            ["updatedAt"] = "2026-01-01T00:00:00Z",
            ["links"] = new JsonObject { ["self"] = $"/api/v2/buckets/{id}", ["org"] = $"/api/v2/orgs/{OrgId}" },
            ["labels"] = new JsonArray(),
        };
    }

    private sealed class LookupGate(int count)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) >= count)
            {
                _open.TrySetResult();
            }

            // A safety net only: the test fails on its own assertions if the other caller never comes. Generous,
            // since on a loaded machine the second caller can arrive seconds after the first.
            return _open.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}

/// <summary>A scripted failure of one write request.</summary>
public abstract record WriteFault
{
    /// <summary>An HTTP error with InfluxDB's body; Retry-After in integer seconds when given.</summary>
    public sealed record Status(int Code, int? RetryAfterSeconds = null, string? Message = null) : WriteFault;

    /// <summary>The connection is closed without an answer (a network error for the client).</summary>
    public sealed record Drop : WriteFault;

    /// <summary>No answer at all: the client's own timeout ends the request.</summary>
    public sealed record NoAnswer : WriteFault;
}

/// <param name="Status">The HTTP status answered, 0 when the connection was dropped or left unanswered.</param>
/// <param name="Lines">Write requests: the number of lines in the (decoded) body.</param>
/// <param name="Body">Write requests: the decoded body, when it could be read.</param>
public sealed record RecordedRequest(
    string Method, string Path, IReadOnlyDictionary<string, string> Query, int Status, string Authorization, string ContentEncoding, int Lines, string? Body)
{
    public bool IsWrite => Method == "POST" && Path == "/api/v2/write";

    public bool Is(HttpMethod method, string path) => Method == method.Method && Path == path;
}

/// <summary>A write the double stored.</summary>
public sealed record AcceptedWrite(string Bucket, string Org, string Precision, string ContentEncoding, IReadOnlyList<LineProtocolLine> Lines);
