using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Tests.Infrastructure.Doubles;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion.Sinks;

/// <summary>
/// <see cref="InfluxSink"/> against the InfluxDB 2.x double: buckets ensured by name and org, retries
/// on network errors, 429 and 5xx with the documented back-off, and final refusals that carry InfluxDB's
/// message. Delays go through <see cref="InstantDelays"/>, so nothing waits for real except the one
/// timeout test.
/// </summary>
public sealed class InfluxSinkTests : IAsyncLifetime
{
    private const string Line = "electrical,campaign=site1,channel_id=M1_U1 M1_U1_V=231.85 1767225600\n";

    private readonly InstantDelays _time = new();
    private readonly List<InfluxSink> _sinks = [];
    private InfluxApiDouble _influx = null!;

    public async ValueTask InitializeAsync() => _influx = await InfluxApiDouble.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _sinks.ForEach(s => s.Dispose());
        await _influx.DisposeAsync();
    }

    private InfluxSink Sink(string token = InfluxApiDouble.AllAccessToken, string org = InfluxApiDouble.OrgName, int maxAttempts = 4,
        int timeoutSeconds = 30, bool ensureBuckets = true, ILogger<InfluxSink>? log = null)
    {
        var sink = new InfluxSink(Options.Create(new InfluxOptions
        {
            Url = _influx.Url.ToString(),
            Token = token,
            Org = org,
            MaxAttempts = maxAttempts,
            TimeoutSeconds = timeoutSeconds,
            EnsureBuckets = ensureBuckets,
        }), _time, log ?? NullLogger<InfluxSink>.Instance);
        _sinks.Add(sink);
        return sink;
    }

    private static Task<int> WriteAsync(InfluxSink sink, string bucket = "acme", string body = Line) =>
        sink.WriteAsync(new SinkTarget(bucket, "stream"), Encoding.UTF8.GetBytes(body), TestContext.Current.CancellationToken);

    private List<RecordedRequest> Writes => _influx.Requests.Where(r => r.IsWrite).ToList();

    [Fact]
    public async Task BucketIsLookedUpByNameAndOrgThenCreatedOnceWithInfiniteRetention()
    {
        var sink = Sink();

        // Several runs of one company start together: one lookup, one creation.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => sink.EnsureBucketAsync("acme", TestContext.Current.CancellationToken)));
        await sink.EnsureBucketAsync("acme", TestContext.Current.CancellationToken);

        var requests = _influx.Requests;
        Assert.Collection(requests,
            r => Assert.Equal(("GET", "/api/v2/buckets", "acme", InfluxApiDouble.OrgName, 404), (r.Method, r.Path, r.Query["name"], r.Query["org"], r.Status)),
            r => Assert.Equal(("GET", "/api/v2/orgs", InfluxApiDouble.OrgName, 200), (r.Method, r.Path, r.Query["org"], r.Status)),
            r => Assert.Equal(("POST", "/api/v2/buckets", 201), (r.Method, r.Path, r.Status)));
        Assert.All(requests, r => Assert.Equal("Token " + InfluxApiDouble.AllAccessToken, r.Authorization));
        Assert.Equal(["acme"], _influx.BucketNames);

        // Another process (a new sink) finds it and creates nothing.
        await Sink().EnsureBucketAsync("acme", TestContext.Current.CancellationToken);
        var last = _influx.Requests[^1];
        Assert.Equal(("GET", "/api/v2/buckets", 200), (last.Method, last.Path, last.Status));
        Assert.Single(_influx.Requests, r => r.Is(HttpMethod.Post, "/api/v2/buckets"));
    }

    [Fact]
    public async Task BucketCreatedMeanwhileByAnotherInstanceIsNotAnError()
    {
        // Both instances see the bucket missing, both create it: InfluxDB answers 201 to one, 422 to the other.
        _influx.HoldBucketLookups("acme", count: 2);
        var ct = TestContext.Current.CancellationToken;

        await Task.WhenAll(Sink().EnsureBucketAsync("acme", ct), Sink().EnsureBucketAsync("acme", ct));

        var creations = _influx.Requests.Where(r => r.Is(HttpMethod.Post, "/api/v2/buckets")).Select(r => r.Status).Order();
        Assert.Equal([201, 422], creations);
        Assert.Equal(["acme"], _influx.BucketNames);
    }

    [Fact]
    public async Task UnknownOrganizationIsAClearConfigurationError()
    {
        var sink = Sink(org: "no-such-org");

        var refused = await Assert.ThrowsAsync<SinkRejectedException>(() => sink.EnsureBucketAsync("acme", TestContext.Current.CancellationToken));

        Assert.Equal(404, refused.Status);
        Assert.Contains("organization name \"no-such-org\" not found", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_influx.BucketNames);
    }

    public static TheoryData<string, WriteFault, double> TransientFaults() => new()
    {
        // Retry-After (integer seconds) wins over the back-off; without it the first back-off is 1 s.
        { "503 with Retry-After", new WriteFault.Status(503, RetryAfterSeconds: 7), 7 },
        { "429 with Retry-After", new WriteFault.Status(429, RetryAfterSeconds: 2), 2 },
        { "500", new WriteFault.Status(500), 1 },
        { "502", new WriteFault.Status(502, Message: "bad gateway"), 1 },
        { "connection dropped", new WriteFault.Drop(), 1 },
    };

    [Theory]
    [MemberData(nameof(TransientFaults))]
    public async Task TransientFailureIsRetriedAfterTheRightDelayThenTheWriteSucceeds(string what, WriteFault fault, double delaySeconds)
    {
        _influx.AddBucket("acme");
        _influx.FailNextWrites(fault);

        await WriteAsync(Sink());

        Assert.Equal([TimeSpan.FromSeconds(delaySeconds)], _time.Delays);
        Assert.True(Writes.Count == 2, $"{what}: {Writes.Count} write requests");
        var stored = Assert.Single(_influx.Writes);
        Assert.Equal(231.85, Assert.Single(stored.Lines).Fields["M1_U1_V"]);
    }

    [Fact]
    public async Task RequestWithoutAnswerTimesOutAndIsRetried()
    {
        _influx.AddBucket("acme");
        _influx.FailNextWrites(new WriteFault.NoAnswer());

        // The smallest timeout the options allow: this test waits one real second. On a loaded machine a
        // retry may time out too, so there is room for more tries; what matters is timeout, retry, stored once.
        await WriteAsync(Sink(timeoutSeconds: 1, maxAttempts: 10));

        var statuses = Writes.Select(w => w.Status).ToList();
        Assert.Equal(0, statuses[0]);
        Assert.Equal(204, statuses[^1]);
        Assert.All(statuses.SkipLast(1), s => Assert.Equal(0, s));
        Assert.Single(_influx.Writes);
    }

    [Fact]
    public async Task PersistentOutageGivesUpAfterMaxAttemptsWithExponentialBackoff()
    {
        _influx.AddBucket("acme");
        _influx.Outage = new WriteFault.Status(503);

        var unavailable = await Assert.ThrowsAsync<SinkUnavailableException>(() => WriteAsync(Sink(maxAttempts: 4)));

        Assert.Equal(4, Writes.Count);
        Assert.Equal([1, 2, 4], _time.Delays.Select(d => d.TotalSeconds));
        Assert.Contains("after 4 tries", unavailable.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 503: service unavailable", unavailable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServerIsUnavailableNotRejected()
    {
        // Not the URL of a stopped double: another test's server may be given its port meanwhile.
        using var nothing = new RefusingPort();
        var sink = new InfluxSink(Options.Create(new InfluxOptions { Url = nothing.Url.ToString(), Token = "t", Org = "o", MaxAttempts = 2 }), _time, NullLogger<InfluxSink>.Instance);
        _sinks.Add(sink);

        var unavailable = await Assert.ThrowsAsync<SinkUnavailableException>(() => WriteAsync(sink));

        Assert.Contains("network error", unavailable.Message, StringComparison.Ordinal);
        Assert.Equal([TimeSpan.FromSeconds(1)], _time.Delays);
    }

    public static TheoryData<string, int, string> Refusals() => new()
    {
        { "malformed line", 400, "unable to parse 'electrical M1_U1_V=': missing field value" },
        { "unknown token", 401, "unauthorized access" },
        { "read-only token", 403, "insufficient permissions for write" },
        { "missing bucket", 404, "bucket \"nope\" not found" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task RefusedWriteIsFinalAndCarriesInfluxDbsMessage(string what, int status, string message)
    {
        _influx.AddBucket("acme");
        var sink = what switch
        {
            "unknown token" => Sink(token: "wrong-token"),
            "read-only token" => Sink(token: InfluxApiDouble.ReadOnlyToken),
            _ => Sink(),
        };

        var refused = await Assert.ThrowsAsync<SinkRejectedException>(() => what switch
        {
            "malformed line" => WriteAsync(sink, body: "electrical M1_U1_V=\n"),
            "missing bucket" => WriteAsync(sink, bucket: "nope"),
            _ => WriteAsync(sink),
        });

        Assert.Equal(status, refused.Status);
        Assert.Contains($"HTTP {status}: {message}", refused.Message, StringComparison.Ordinal);
        Assert.Single(Writes);
        Assert.Empty(_time.Delays);
        Assert.Empty(_influx.Writes);
    }

    [Fact]
    public async Task HealthNeedsAnAnswerAndAWorkingToken()
    {
        var healthy = await Sink().CheckHealthAsync(TestContext.Current.CancellationToken);
        var badToken = await Sink(token: "wrong-token").CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.True(healthy.Healthy);
        Assert.False(badToken.Healthy);
        Assert.Equal("HTTP 401: unauthorized access", badToken.Problem);
        Assert.DoesNotContain("wrong-token", badToken.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenNeverAppearsInLogsOrErrors()
    {
        _influx.AddBucket("acme");
        _influx.FailNextWrites(new WriteFault.Status(503), new WriteFault.Drop());
        var log = new ListLogger();
        var sink = Sink(token: InfluxApiDouble.ReadOnlyToken, log: log);

        var refused = await Assert.ThrowsAsync<SinkRejectedException>(() => WriteAsync(sink));

        Assert.Equal(2, log.Messages.Count);
        Assert.All(log.Messages.Append(refused.Message).Append(sink.Description),
            m => Assert.DoesNotContain(InfluxApiDouble.ReadOnlyToken, m, StringComparison.Ordinal));
    }

    private sealed class ListLogger : ILogger<InfluxSink>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages)
            {
                Messages.Add(formatter(state, exception) + exception);
            }
        }
    }
}
