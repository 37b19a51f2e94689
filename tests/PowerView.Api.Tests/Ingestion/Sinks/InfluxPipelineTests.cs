using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure.Doubles;
using PowerView.Api.Tests.Infrastructure.Servers;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion.Sinks;

/// <summary>
/// The service's ingestion runs with InfluxDB 2.x configured, against the API double: what reaches
/// InfluxDB (buckets, chunks, gzip, the meta bucket), and what a run becomes when InfluxDB is down
/// (deferred, the file stays) or refuses the data (error, the file goes to error/ with InfluxDB's message).
/// </summary>
public sealed class InfluxPipelineTests : IAsyncLifetime
{
    private const string BigSample = "0_camp_base-parsed/T302_260109_213817.tsv";
    private const string SmallSample = "dominique/T302_260105_162016.tsv";

    private readonly TempFolder _folder = new();
    private InfluxApiDouble _influx = null!;
    private PowerViewApplication? _app;

    public async ValueTask InitializeAsync() => _influx = await InfluxApiDouble.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _influx.DisposeAsync();
        _folder.Dispose();
    }

    private IServiceProvider Start(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Influx:Url"] = _influx.Url.ToString(),
            ["Influx:Token"] = InfluxApiDouble.AllAccessToken,
            ["Influx:Org"] = InfluxApiDouble.OrgName,
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        // Retries stay real (every try is a request), the waits between them do not: the sink gets a clock of its own.
        _app = new PowerViewApplication(_folder, values)
        {
            TestServices = s => s.AddSingleton(sp => new InfluxSink(
                sp.GetRequiredService<IOptions<InfluxOptions>>(), new InstantDelays(), sp.GetRequiredService<ILogger<InfluxSink>>())),
        };
        return _app.Services;
    }

    private static async Task<RunRecord> IngestAsync(IServiceProvider services, string path)
    {
        var outcome = await services.GetRequiredService<IngestionPipeline>().IngestAsync(path, RunTrigger.Hook, TestContext.Current.CancellationToken);
        return Assert.IsType<RunRecord>(outcome.Run);
    }

    [Fact]
    public async Task FileGoesOutInGzipChunksOfAtMostChunkLinesAndIsStoredExactly()
    {
        var services = Start(("Influx:ChunkLines", "2000"));
        var big = _folder.PlaceSample(BigSample, campaign: "site1", device: "02001283");
        var small = _folder.PlaceSample(SmallSample, campaign: "site2", device: "02000800");

        var report = await IngestAsync(services, big);
        var second = await IngestAsync(services, small);

        Assert.Equal((RunStatus.Success, RunStatus.Success), (report.Status, second.Status));
        Assert.Equal("acme/site1/02001283/parsed/T302_260109_213817.tsv", report.MovedTo);
        var writes = _influx.Requests.Where(r => r.IsWrite && r.Query["bucket"] == "acme").ToList();
        Assert.True(writes.Count >= 17, $"{writes.Count} write requests");
        Assert.All(writes, w =>
        {
            Assert.InRange(w.Lines, 1, 2000);
            Assert.Equal(("gzip", "s", InfluxApiDouble.OrgName, 204), (w.ContentEncoding, w.Query["precision"], w.Query["org"], w.Status));
        });
        Assert.Equal(report.Counters.PointsWritten + second.Counters.PointsWritten, writes.Sum(w => w.Lines));

        // Both companies' files share the bucket, which was looked up and created once, as was the meta bucket.
        var creations = _influx.Requests.Where(r => r.Is(HttpMethod.Post, "/api/v2/buckets")).ToList();
        Assert.Equal(2, creations.Count);
        Assert.Equal(["acme", "powerview_meta"], _influx.BucketNames.Order());
        Assert.Single(_influx.Requests, r => r.Is(HttpMethod.Get, "/api/v2/buckets") && r.Query["name"] == "acme");

        // What InfluxDB stored is what the file holds, read independently.
        var expected = ExpectedFile.Read(Samples.Path(BigSample), "site1");
        var stored = _influx.LinesIn("acme").Where(l => l.Tags["campaign"] == "site1").ToList();
        Assert.Equal(expected.Points.Count, stored.Count);
        foreach (var (point, line) in expected.Points.Zip(stored))
        {
            var channel = expected.Channels[point.Channel];
            var same = line.Measurement == "electrical"
                && line.Tags.Count == channel.Tags.Count && channel.Tags.All(t => line.Tags.GetValueOrDefault(t.Key) == t.Value)
                && line.Fields.Count == 1 && line.Fields.TryGetValue(channel.FieldKey, out var value) && (double)value == point.Value
                && line.Timestamp == point.Epoch;
            if (!same)
            {
                Assert.Fail($"expected {channel.FieldKey}={point.Value:R} at {point.Epoch} with tags {string.Join(',', channel.Tags)}, stored {line}");
            }
        }
    }

    [Fact]
    public async Task MetaBucketGetsOneFilePointPerRunAndOneRunPointPerBatch()
    {
        var services = Start();
        var good = _folder.PlaceSample(SmallSample, campaign: "site1", device: "02000800");
        var empty = _folder.PlaceFile("", name: "T302_empty.tsv", campaign: "site1", device: "02000800");
        var started = DateTimeOffset.UtcNow;
        var reports = new[] { await IngestAsync(services, good), await IngestAsync(services, empty) };
        await services.GetRequiredService<MetaPointWriter>().WriteBatchAsync(reports, started, started.AddSeconds(2.5), TestContext.Current.CancellationToken);

        var meta = _influx.LinesIn("powerview_meta").ToList();
        Assert.Equal(3, meta.Count);
        var success = Assert.Single(meta, l => l.Measurement == "tsv_parser_file" && l.Tags["status"] == "success");
        Assert.Equal(new Dictionary<string, string>
        {
            ["bucket"] = "acme", ["campaign"] = "site1", ["device_master_sn"] = "02000800", ["file_name"] = "T302_260105_162016.tsv", ["status"] = "success",
        }, success.Tags);
        Assert.Equal(reports[0].Counters.PointsWritten, success.Fields["nb_points"]);
        Assert.Equal(228L, success.Fields["nb_points"]);
        Assert.Equal(38L, success.Fields["nb_rows"]);
        Assert.Equal(6L, success.Fields["nb_channels"]);
        Assert.Equal(0L, success.Fields["nb_invalid_timestamps"]);
        Assert.Equal(0L, success.Fields["nb_clock_not_set"]);
        Assert.Equal(0L, success.Fields["nb_invalid_values"]);
        Assert.Equal(0L, success.Fields["nb_write_retries"]);
        Assert.IsType<long>(success.Fields["duration_ms"]);
        Assert.Equal(reports[0].FinishedAt.ToUnixTimeSeconds(), success.Timestamp);
        var failed = Assert.Single(meta, l => l.Measurement == "tsv_parser_file" && l.Tags["status"] == "error");
        Assert.Equal("the file is empty: no format lines", failed.Fields["error"]);
        var batch = Assert.Single(meta, l => l.Measurement == "tsv_parser_run");
        Assert.Equal("partial_failure", batch.Tags["status"]);
        Assert.Equal((2L, 1L, 1L, 0L, 228L, 2.5), (batch.Fields["nb_files_total"], batch.Fields["nb_files_success"], batch.Fields["nb_files_failed"],
            batch.Fields["nb_files_deferred"], batch.Fields["nb_points_total"], batch.Fields["duration_s"]));
        Assert.Equal(started.AddSeconds(2.5).ToUnixTimeSeconds(), batch.Timestamp);
    }

    [Fact]
    public async Task OutageDefersTheRunAndKeepsTheFileUntilALaterRunSucceeds()
    {
        var services = Start(("Influx:MaxAttempts", "3"));
        var path = _folder.PlaceSample(SmallSample);
        _influx.Outage = new WriteFault.Status(503);

        var deferred = await IngestAsync(services, path);

        Assert.Equal(RunStatus.Deferred, deferred.Status);
        Assert.Null(deferred.MovedTo);
        Assert.True(File.Exists(path));
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(path)!, "error")));
        Assert.Contains("InfluxDB unavailable, could not write", deferred.Error, StringComparison.Ordinal);
        Assert.Contains("after 3 tries: HTTP 503: service unavailable", deferred.Error, StringComparison.Ordinal);
        Assert.Equal(3, _influx.Requests.Count(r => r.IsWrite && r.Query["bucket"] == "acme"));

        _influx.Outage = null;
        var retried = await IngestAsync(services, path);

        Assert.Equal((RunStatus.Success, 2), (retried.Status, retried.Attempt));
        Assert.False(File.Exists(path));
        Assert.Equal(228, _influx.LinesIn("acme").Count());
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "400", "HTTP 400: unable to parse 'electrical,campaign=site1 v=1,w': invalid field format" },
        { "401", "InfluxDB refused to look up bucket 'acme': HTTP 401: unauthorized access" },
        { "403", "HTTP 403: insufficient permissions for write" },
        { "404", "HTTP 404: bucket \"acme\" not found" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task RefusalFailsTheRunWithInfluxDbsMessageAndMovesTheFileToError(string status, string message)
    {
        var services = status switch
        {
            "401" => Start(("Influx:Token", "wrong-token")),
            "403" => Start(("Influx:Token", InfluxApiDouble.ReadOnlyToken), ("Influx:EnsureBuckets", "false")),
            "404" => Start(("Influx:EnsureBuckets", "false")),
            _ => Start(),
        };
        if (status == "403")
        {
            _influx.AddBucket("acme");
        }

        if (status == "400")
        {
            _influx.FailNextWrites(new WriteFault.Status(400, Message: "unable to parse 'electrical,campaign=site1 v=1,w': invalid field format"));
        }

        var path = _folder.PlaceSample(SmallSample);

        var report = await IngestAsync(services, path);

        Assert.Equal(RunStatus.Error, report.Status);
        Assert.Contains(message, report.Error, StringComparison.Ordinal);
        Assert.Equal("acme/site1/02000800/error/T302_260105_162016.tsv", report.MovedTo);
        Assert.True(File.Exists(Path.Combine(_folder.DataRoot, report.MovedTo!)));
        Assert.False(File.Exists(path));
        Assert.True(_influx.Requests.Count(r => r.IsWrite && r.Query["bucket"] == "acme") <= 1, "a refusal is never retried");
    }
}
