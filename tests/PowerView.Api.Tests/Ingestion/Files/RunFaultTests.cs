using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PowerView.Api.Ingestion;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Doubles;

namespace PowerView.Api.Tests.Ingestion.Files;

/// <summary>
/// Issue 13: nothing lost, nothing silent. A run the state folder cannot record (full, read-only) leaves the file in its
/// place; a run cut half-way says what it wrote; a file that changed while read, or whose upload event gave another
/// size, stays for a later run; interrupted line-protocol files are cleaned.
/// </summary>
public sealed class RunFaultTests : IAsyncLifetime
{
    private const string Dominique = "dominique/T302_260105_162016.tsv";

    private InfluxApiDouble _influx = null!;

    public async ValueTask InitializeAsync() => _influx = await InfluxApiDouble.StartAsync();

    public async ValueTask DisposeAsync() => await _influx.DisposeAsync();

    private Task<EngineHost> StartAsync(TempFolder folder, CapturedLogs logs) => EngineHost.StartAsync(folder, new Dictionary<string, string?>
    {
        ["Influx:Url"] = _influx.Url.ToString(),
        ["Influx:Token"] = InfluxApiDouble.AllAccessToken,
        ["Influx:Org"] = InfluxApiDouble.OrgName,
    }, s =>
    {
        // The recorder's waits between tries (1 s, 2 s) pass at once.
        s.AddSingleton<TimeProvider>(new InstantDelays());
        s.AddSingleton<ILoggerProvider>(logs);
    });

    public static TheoryData<string> StateFaults() => ["read-only", "full"];

    [Theory]
    [MemberData(nameof(StateFaults))]
    public async Task ARunTheStateFolderCannotRecordLeavesTheFileInPlaceAndIsRecordedWhenItCanBe(string fault)
    {
        using var folder = new TempFolder();
        using var mounts = new Mounts();
        if (fault == "full")
        {
            mounts.Small(folder.StateDir, 4 * 1024 * 1024);
        }

        var path = folder.PlaceSample(Dominique);
        var expected = ExpectedFile.Read(Samples.Path(Dominique), "site1");
        var logs = new CapturedLogs();
        await using var engine = await StartAsync(folder, logs);
        var ct = TestContext.Current.CancellationToken;
        if (fault == "full")
        {
            Mounts.Fill(folder.StateDir);
        }
        else
        {
            mounts.ReadOnly(folder.StateDir);
            // Files opened before the bind mount stay writable through the original mount: the pooled connections go,
            // as they would if the file system itself had turned read-only.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        var refused = await engine.Pipeline.IngestAsync(path, RunTrigger.Hook, ct);
        var pointsWhileRefused = _influx.LinesIn("acme").Count();
        var logged = logs.Lines.ToList();
        if (fault == "full")
        {
            File.Delete(Path.Combine(folder.StateDir, "filler"));
        }
        else
        {
            // The store's connections opened meanwhile (read-only) hold the mount.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            mounts.Undo(folder.StateDir);
        }

        var recorded = await engine.IngestAsync(path);

        Assert.True(refused.Kind == IngestOutcomeKind.NotRecorded, $"{refused.Kind} {refused.Problem} {refused.Run?.Status} {refused.Run?.MovedTo} {string.Join(" | ", logged)}");
        Assert.Contains("was not recorded: the run could not be recorded in the run store after 3 tries", refused.Problem, StringComparison.Ordinal);
        Assert.Contains("the file was put back from acme/site1/02000800/parsed/T302_260105_162016.tsv and is taken again", refused.Problem, StringComparison.Ordinal);
        Assert.Equal(3, logged.Count(l => l.StartsWith("Error Could not record run", StringComparison.Ordinal)));
        Assert.Single(logged, l => l.StartsWith("Error Run ", StringComparison.Ordinal) && l.Contains("is not in the run history", StringComparison.Ordinal));
        Assert.Equal(expected.Points.Count, pointsWhileRefused);
        Assert.Equal(RunStatus.Success, recorded.Status);
        Assert.Equal(1, recorded.Attempt);
        Assert.Equal("acme/site1/02000800/parsed/T302_260105_162016.tsv", recorded.MovedTo);
        Assert.False(File.Exists(path));
        Assert.NotNull(await engine.Store.GetAsync(recorded.Id, ct));
        Assert.Equal(1, await engine.Store.CountFileRunsAsync("acme", "site1", "02000800", "T302_260105_162016.tsv", ct));
        // Written twice, to the same series and timestamps with the same values: what InfluxDB keeps is the file, exactly.
        var kept = new Dictionary<(string, long), double>();
        foreach (var line in _influx.LinesIn("acme"))
        {
            kept[(line.Tags["channel_id"], line.Timestamp!.Value)] = line.Value;
        }

        var wanted = expected.LastWins();
        Assert.Equal(wanted.Count, kept.Count);
        Assert.All(wanted, w => Assert.Equal(w.Value, kept[w.Key]));
        Assert.Equal(2 * expected.Points.Count, _influx.LinesIn("acme").Count());
    }

    [Fact]
    public async Task ARunCutHalfWayByTheSinkSaysWhatItWrote()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample("0_camp_base-parsed/T302_260109_213817.tsv", device: "02001283");
        var sink = new FailingAfter(2);
        await using var engine = await EngineHost.StartAsync(folder, new Dictionary<string, string?> { ["Influx:ChunkLines"] = "500" },
            s => s.AddSingleton<ILineProtocolSink>(sink));

        var run = await engine.IngestAsync(path);

        var written = sink.Bodies.Sum(b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(RunStatus.Deferred, run.Status);
        Assert.True(written > 0);
        Assert.Equal(written, run.Counters.PointsWritten);
        Assert.Equal(run.Counters.LinesTotal, run.Counters.RowsIngested + run.Counters.LinesIgnored);
        Assert.Equal(written, run.Counters.RowsIngested * run.Counters.ChannelCount - run.Counters.InvalidValues);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task AFileThatChangesWhileItIsReadIsNotMovedAndIsTakenWholeLater()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(Dominique);
        var row = "05/01/26 16:20:00\t234.1\t115.3\t115.2\t-0.0\t-0.0\t0.0\n";
        var sink = new AppendingOnFirstWrite(path, row);
        await using var engine = await EngineHost.StartAsync(folder, services: s => s.AddSingleton<ILineProtocolSink>(sink));

        var changed = await engine.IngestAsync(path);
        var firstBodies = sink.Bodies.Count;
        var whole = await engine.IngestAsync(path);

        var expected = ExpectedFile.Read(path.Replace("02000800/", "02000800/parsed/", StringComparison.Ordinal), "site1");
        Assert.True(changed.Status == RunStatus.Skipped, $"{changed.Status}: {changed.Error}");
        Assert.StartsWith($"the file changed while it was read ({new FileInfo(Samples.Path(Dominique)).Length} bytes, now {new FileInfo(Samples.Path(Dominique)).Length + row.Length})",
            changed.Message, StringComparison.Ordinal);
        Assert.Null(changed.MovedTo);
        Assert.Equal(228, changed.Counters.PointsWritten);
        Assert.True(firstBodies > 0);
        Assert.Equal(RunStatus.Success, whole.Status);
        Assert.Equal(expected.Points.Count, whole.Counters.PointsWritten);
        Assert.Equal(228 + 6, whole.Counters.PointsWritten);
    }

    [Fact]
    public async Task PartialLineProtocolOfAnInterruptedRunIsRemovedAtStartUpButNotOneInProgress()
    {
        using var folder = new TempFolder();
        var bucket = Path.Combine(folder.StateDir, "lineprotocol", "acme");
        Directory.CreateDirectory(bucket);
        var interrupted = Path.Combine(bucket, "T302_a.019b0000000000000000000000000001.lp.partial");
        var inProgress = Path.Combine(bucket, "T302_b.019b0000000000000000000000000002.lp.partial");
        var complete = Path.Combine(bucket, "T302_c.019b0000000000000000000000000003.lp");
        File.WriteAllText(interrupted, "electrical,campaign=site1 v=1 1767225600\nelectrical,camp");
        File.WriteAllText(inProgress, "electrical,campaign=site1 v=2 1767225600\n");
        File.WriteAllText(complete, "electrical,campaign=site1 v=3 1767225600\n");
        // Another process's run in progress holds its partial file.
        using (new FileStream(inProgress, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            await using var engine = await EngineHost.StartAsync(folder);

            Assert.False(File.Exists(interrupted));
            Assert.True(File.Exists(inProgress));
        }

        Assert.Equal("electrical,campaign=site1 v=3 1767225600\n", File.ReadAllText(complete));
    }

    [Fact]
    public async Task AnUploadEventOfAnotherSizeIsNotIngestedUntilTheEventOfTheWholeFile()
    {
        using var folder = new TempFolder();
        var states = new JobStates();
        await using var app = new PowerViewApplication(folder) { TestServices = s => s.AddSingleton<Hangfire.States.IApplyStateFilter>(states) };
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Dominique);
        var size = new FileInfo(path).Length;

        var (_, early) = await HookCalls.PostAsync(client, HookCalls.Upload(path, fileSize: size + 1000));
        var skipped = await app.WaitForRunAsync(r => r.FileName == "T302_260105_162016.tsv");
        // The job ends without a retry and frees the file: the event of the finished upload is queued, not a duplicate.
        await states.WaitForAsync(Hangfire.States.SucceededState.StateName, early.GetProperty("jobId").GetString());
        var (_, whole) = await HookCalls.PostAsync(client, HookCalls.Upload(path, fileSize: size));
        var ingested = await app.WaitForRunAsync(r => r.FileName == "T302_260105_162016.tsv" && r.Status != RunStatus.Skipped);

        Assert.Equal(("queued", "queued"), (early.GetProperty("status").GetString(), whole.GetProperty("status").GetString()));
        Assert.Equal(RunStatus.Skipped, skipped.Status);
        Assert.Equal($"the file has {size} bytes but its upload event said {size + 1000}: it is still being written; left for its next upload event or the sweep", skipped.Message);
        Assert.Equal((0L, 0L), (skipped.Counters.PointsWritten, skipped.Counters.LinesTotal));
        Assert.Null(skipped.MovedTo);
        Assert.Equal(RunStatus.Success, ingested.Status);
        Assert.Equal(228, ingested.Counters.PointsWritten);
        Assert.False(File.Exists(path));
    }

    /// <summary>Accepts the first bodies, then InfluxDB is gone.</summary>
    private sealed class FailingAfter(int accepted) : ILineProtocolSink
    {
        public ConcurrentQueue<string> Bodies { get; } = new();

        public string Description => "failing";

        public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<int> WriteAsync(SinkTarget target, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            if (!target.WholeRun)
            {
                return Task.FromResult(0);
            }

            if (Bodies.Count >= accepted)
            {
                throw new SinkUnavailableException("InfluxDB unavailable: network error: connection refused", retries: 2);
            }

            Bodies.Enqueue(System.Text.Encoding.UTF8.GetString(body.Span));
            return Task.FromResult(0);
        }

        public Task<SinkHealth> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(new SinkHealth(true, Description));
    }

    /// <summary>A second writer appends a row to the data file while the run is sending its first chunk.</summary>
    private sealed class AppendingOnFirstWrite(string path, string row) : ILineProtocolSink
    {
        private int _appended;

        public List<string> Bodies { get; } = [];

        public string Description => "appending";

        public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<int> WriteAsync(SinkTarget target, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            if (target.WholeRun)
            {
                Bodies.Add(System.Text.Encoding.UTF8.GetString(body.Span));
                if (Interlocked.Exchange(ref _appended, 1) == 0)
                {
                    // As SFTPGo writes: without flock (a .NET writer would wait for the run's lock).
                    DataFileOpeningTests.Run("bash", "-c", "printf '%s' \"$1\" >> \"$0\"", path, row);
                }
            }

            return Task.FromResult(0);
        }

        public Task<SinkHealth> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(new SinkHealth(true, Description));
    }
}

/// <summary>The engine host's log lines as "Level message", for tests that check what is logged.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {formatter(state, exception)}");
    }
}
