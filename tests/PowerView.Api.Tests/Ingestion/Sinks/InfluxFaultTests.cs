using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Doubles;

namespace PowerView.Api.Tests.Ingestion.Sinks;

/// <summary>
/// Issue 13's InfluxDB faults, through the hook and the jobs as in production, against the API double: each ends with
/// InfluxDB holding exactly the file's values (no loss, no second value for a point), the file in parsed/, and the
/// run history saying what happened (the retries included).
/// </summary>
public sealed class InfluxFaultTests : IAsyncLifetime
{
    private const string Sample = "0_camp_base-parsed/T302_260109_213817.tsv";

    private readonly TempFolder _folder = new();
    private readonly JobStates _states = new();
    private InfluxApiDouble _influx = null!;
    private PowerViewApplication _app = null!;

    public async ValueTask InitializeAsync()
    {
        _influx = await InfluxApiDouble.StartAsync();
        _app = new PowerViewApplication(_folder, new Dictionary<string, string?>
        {
            ["Influx:Url"] = _influx.Url.ToString(),
            ["Influx:Token"] = InfluxApiDouble.AllAccessToken,
            ["Influx:Org"] = InfluxApiDouble.OrgName,
            ["Influx:MaxAttempts"] = "4",
            ["Influx:ChunkLines"] = "2000",
            // Hangfire's retry waits far longer than the test: a retry runs when the test requeues it (the delay is over).
            ["Jobs:RetryDelaysSeconds:0"] = "3600",
        })
        {
            // The sink's back-off (1 s, 2 s, 4 s…) passes at once; every try is still a real request.
            TestServices = s =>
            {
                s.AddSingleton(sp => new InfluxSink(sp.GetRequiredService<IOptions<InfluxOptions>>(), new InstantDelays(), sp.GetRequiredService<ILogger<InfluxSink>>()));
                s.AddSingleton<IApplyStateFilter>(_states);
            },
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _influx.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task ThreeServiceUnavailableThenSuccessIsOneRunWithItsRetriesAndEveryPointOnce()
    {
        using var client = await _app.StartAsync();
        var path = _folder.PlaceSample(Sample, device: "02001283");
        var expected = ExpectedFile.Read(Samples.Path(Sample), "site1");
        _influx.AddBucket("acme");
        _influx.FailNextWrites(new WriteFault.Status(503), new WriteFault.Status(503), new WriteFault.Status(503));

        await HookCalls.PostAsync(client, HookCalls.Upload(path));
        var run = await _app.WaitForRunAsync(r => r.FileName == "T302_260109_213817.tsv");
        using var admin = _app.CreateClient(PowerViewApplication.AdminKey);
        var listed = Assert.Single((await admin.GetJsonAsync("/api/runs")).EnumerateArray());

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(3, run.Counters.WriteRetries);
        Assert.Equal(3, listed.GetProperty("writeRetries").GetInt32());
        // The meta point is written before the run is recorded, so it is there once the run is.
        var metaPoint = Assert.Single(_influx.LinesIn("powerview_meta"), l => l.Measurement == "tsv_parser_file");
        Assert.Equal(3L, metaPoint.Fields["nb_write_retries"]);
        Assert.Equal(3, _influx.Requests.Count(r => r.IsWrite && r.Query["bucket"] == "acme" && r.Status == 503));
        Assert.Equal(expected.Points.Count, run.Counters.PointsWritten);
        AssertStoredExactly(expected);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task InfluxDbDownForMinutesDefersTheJobAndItsRetryWritesEverythingOnce()
    {
        using var client = await _app.StartAsync();
        var path = _folder.PlaceSample(Sample, device: "02001283");
        var expected = ExpectedFile.Read(Samples.Path(Sample), "site1");
        _influx.AddBucket("acme");
        _influx.Outage = new WriteFault.Status(503, RetryAfterSeconds: 30);

        var (_, queued) = await HookCalls.PostAsync(client, HookCalls.Upload(path));
        var jobId = queued.GetProperty("jobId").GetString()!;
        var deferred = await _app.WaitForRunAsync(r => r.FileName == "T302_260109_213817.tsv");
        await _states.WaitForAsync(ScheduledState.StateName, jobId);
        var stayed = File.Exists(path);
        // Minutes later InfluxDB is back, and Hangfire's delay is over.
        _influx.Outage = null;
        _app.Services.GetRequiredService<IBackgroundJobClient>().Requeue(jobId);
        var retried = await _app.WaitForRunAsync(r => r.FileName == "T302_260109_213817.tsv" && r.Attempt == 2);

        Assert.Equal(RunStatus.Deferred, deferred.Status);
        Assert.Equal((0L, 3), (deferred.Counters.PointsWritten, deferred.Counters.WriteRetries));
        Assert.Contains("after 4 tries: HTTP 503", deferred.Error, StringComparison.Ordinal);
        Assert.True(stayed);
        Assert.Equal((RunStatus.Success, RunTrigger.Retry, 0), (retried.Status, retried.Trigger, retried.Counters.WriteRetries));
        Assert.Equal(expected.Points.Count, retried.Counters.PointsWritten);
        AssertStoredExactly(expected);
        Assert.False(File.Exists(path));
        Assert.Equal(2, _app.Runs.Of("T302_260109_213817.tsv").Count);
    }

    /// <summary>
    /// What InfluxDB keeps (per series and timestamp the last value written) is what the file says, and every line of
    /// the file was stored once: a refused write stored nothing and was not counted twice.
    /// </summary>
    private void AssertStoredExactly(ExpectedFile expected)
    {
        var kept = new Dictionary<(string, long), double>();
        foreach (var line in _influx.LinesIn("acme"))
        {
            kept[(line.Tags["channel_id"], line.Timestamp!.Value)] = line.Value;
        }

        var wanted = expected.LastWins();
        Assert.Equal(wanted.Count, kept.Count);
        Assert.All(wanted, w => Assert.Equal(w.Value, kept[w.Key]));
        Assert.Equal(expected.Points.Count, _influx.LinesIn("acme").Count());
    }
}
