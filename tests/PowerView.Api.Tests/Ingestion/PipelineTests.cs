using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Ingestion;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure.Doubles;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>Contract §5: file lifecycle, runs and reports, around one file.</summary>
public sealed class PipelineTests
{
    private const string Dominique = "dominique/T302_260105_162016.tsv";

    [Fact]
    public async Task ASuccessIsRecordedEverywhere()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(Dominique, "dominique", "bavella", "02000800");
        await using var engine = await EngineHost.StartAsync(folder);

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal("dominique/bavella/02000800/parsed/T302_260105_162016.tsv", run.MovedTo);
        Assert.Equal(1, run.Attempt);
        Assert.Equal("MV_T302_V002", run.Format);

        var reportFile = Path.Combine(folder.StateDir, "reports", run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd"), run.Id + ".json");
        using var report = JsonDocument.Parse(File.ReadAllText(reportFile));
        Assert.Equal("success", report.RootElement.GetProperty("status").GetString());
        Assert.Equal(228, report.RootElement.GetProperty("pointsWritten").GetInt64());
        Assert.Equal(6, report.RootElement.GetProperty("channels").GetArrayLength());
        Assert.Equal(-0.0, report.RootElement.GetProperty("channels")[3].GetProperty("max").GetDouble());

        var stored = await engine.Store.GetAsync(run.Id, TestContext.Current.CancellationToken);
        Assert.Equal(228, stored!.PointsWritten);

        var meta = Assert.Single(engine.SinkLines("powerview_meta"));
        Assert.StartsWith("tsv_parser_file,bucket=dominique,campaign=bavella,device_master_sn=02000800,file_name=T302_260105_162016.tsv,status=success nb_rows=38i,nb_channels=6i,nb_points=228i,", meta, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReUploadsNeverOverwriteAndCountAttempts()
    {
        using var folder = new TempFolder();
        await using var engine = await EngineHost.StartAsync(folder);

        var first = await engine.IngestAsync(folder.PlaceSample(Dominique));
        var second = await engine.IngestAsync(folder.PlaceSample(Dominique));
        var rejected1 = await engine.IngestAsync(folder.PlaceFile("", "T302_bad.tsv"));
        var rejected2 = await engine.IngestAsync(folder.PlaceFile("garbage\n", "T302_bad.tsv"));

        Assert.Equal((1, 2), (first.Attempt, second.Attempt));
        Assert.EndsWith("parsed/T302_260105_162016.tsv", first.MovedTo, StringComparison.Ordinal);
        Assert.EndsWith("parsed/T302_260105_162016.1.tsv", second.MovedTo, StringComparison.Ordinal);
        Assert.EndsWith("error/T302_bad.tsv", rejected1.MovedTo, StringComparison.Ordinal);
        Assert.EndsWith("error/T302_bad.1.tsv", rejected2.MovedTo, StringComparison.Ordinal);
        Assert.Equal("", File.ReadAllText(Path.Combine(folder.DataRoot, rejected1.MovedTo!)));
        Assert.Equal("garbage\n", File.ReadAllText(Path.Combine(folder.DataRoot, rejected2.MovedTo!)));
    }

    [Theory]
    [InlineData("_internal", "reserves names starting with '_'")]
    [InlineData("a\"b", "contains '\"'")]
    [InlineData("a-very-long-company-name-that-goes-beyond-sixty-four-characters-limit", "longer than 64")]
    public async Task ACompanyThatCannotBeABucketIsRejected(string company, string reason)
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(Dominique, company);
        await using var engine = await EngineHost.StartAsync(folder);

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Error, run.Status);
        Assert.Contains(reason, run.Error, StringComparison.Ordinal);
        Assert.EndsWith("/error/T302_260105_162016.tsv", run.MovedTo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableSinkDefersTheRunAndLeavesTheFile()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(Dominique);
        await using var engine = await EngineHost.StartAsync(folder, services: s => s.AddSingleton<ILineProtocolSink>(new UnreachableSink()));

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Deferred, run.Status);
        Assert.Contains("connection refused", run.Error, StringComparison.Ordinal);
        Assert.Null(run.MovedTo);
        Assert.True(File.Exists(path));
        Assert.NotNull(await engine.Store.GetAsync(run.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ASinkRefusalFailsTheRunWithItsMessage()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(Dominique);
        await using var engine = await EngineHost.StartAsync(folder, services: s => s.AddSingleton<ILineProtocolSink>(new RefusingSink()));

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Error, run.Status);
        Assert.Equal("InfluxDB refused: HTTP 401 unauthorized access", run.Error);
        Assert.EndsWith("/error/T302_260105_162016.tsv", run.MovedTo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASweepLeavesAFreshIncompleteFileAndRecordsItSkipped()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample("0_camp_base-parsed/T302_251101_031719.tsv");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(-60));
        await using var engine = await EngineHost.StartAsync(folder);

        var run = await engine.IngestAsync(path, RunTrigger.Sweep);

        Assert.Equal(RunStatus.Skipped, run.Status);
        Assert.Contains("no line end", run.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task ASweepTakesAnIncompleteFileAfterTheGracePeriodWithoutItsCutLine()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample("0_camp_base-parsed/T302_251101_031719.tsv");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(-601));
        await using var engine = await EngineHost.StartAsync(folder);

        var run = await engine.IngestAsync(path, RunTrigger.Sweep);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal((81L, 1L, 480L), (run.Counters.LinesTotal, run.Counters.TruncatedLines, run.Counters.PointsWritten));
    }

    [Fact]
    public async Task ASecondRunOfAFileInProgressIsRefused()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(Dominique);
        var clock = new InstantDelays();
        await using var engine = await EngineHost.StartAsync(folder, services: s => s.AddSingleton<TimeProvider>(clock));

        IngestOutcome outcome;
        using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None))
        {
            outcome = await engine.Pipeline.IngestAsync(path, RunTrigger.Hook, TestContext.Current.CancellationToken);
        }

        // An exclusive lock is another run: refused at once, not waited for as a reader would be.
        Assert.Equal(IngestOutcome.Busy, outcome);
        Assert.Empty(clock.Delays);
        Assert.True(File.Exists(path));
        Assert.Equal(RunStatus.Success, (await engine.IngestAsync(path)).Status);
        Assert.Equal(IngestOutcome.Gone, await engine.Pipeline.IngestAsync(path, RunTrigger.Hook, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AReaderHoldingTheFileForAMomentDelaysTheRunInsteadOfRefusingIt()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(Dominique);
        // What the sweep's readiness probe holds while it reads a waiting file: a shared lock. A hook's job that
        // gave up here would end without a run, and the next event or sweep would queue the file a second time.
        var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var clock = new InstantDelays { OnDelay = probe.Dispose };
        await using var engine = await EngineHost.StartAsync(folder, services: s => s.AddSingleton<TimeProvider>(clock));

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.NotEmpty(clock.Delays);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("../outside.tsv", "outside the data root")]
    [InlineData("acme/site1/T302.tsv", "3 levels")]
    [InlineData("acme/site1/dev/extra/T302.tsv", "5 levels")]
    [InlineData("acme/site1/dev/T302.txt", "not a .tsv file")]
    [InlineData("acme/site1/dev/.T302.tsv", "a hidden file")]
    [InlineData("acme/site1/dev/.sftpgo-upload.abc.T302.tsv", "SFTPGo atomic-upload")]
    [InlineData("acme/site1/error/T302.tsv", "inside a 'error' folder")]
    public async Task PathsThatAreNotDeviceFilesOfTheDataRootAreRefused(string path, string reason)
    {
        using var folder = new TempFolder();
        await using var engine = await EngineHost.StartAsync(folder);

        var outcome = await engine.Pipeline.IngestAsync(path, RunTrigger.Hook, TestContext.Current.CancellationToken);

        Assert.Equal(IngestOutcomeKind.Invalid, outcome.Kind);
        Assert.Contains(reason, outcome.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASymbolicLinkBelowTheDataRootIsRefused()
    {
        using var folder = new TempFolder();
        var outside = Path.Combine(folder.Root, "outside");
        Directory.CreateDirectory(outside);
        File.Copy(Samples.Path(Dominique), Path.Combine(outside, "T302.tsv"));
        Directory.CreateDirectory(Path.Combine(folder.DataRoot, "acme", "site1"));
        Directory.CreateSymbolicLink(Path.Combine(folder.DataRoot, "acme", "site1", "dev"), outside);
        await using var engine = await EngineHost.StartAsync(folder);

        var outcome = await engine.Pipeline.IngestAsync("acme/site1/dev/T302.tsv", RunTrigger.Hook, TestContext.Current.CancellationToken);

        Assert.Equal(IngestOutcomeKind.Invalid, outcome.Kind);
        Assert.Contains("symbolic link 'dev'", outcome.Problem, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outside, "T302.tsv")));
    }

    private sealed class UnreachableSink : ILineProtocolSink
    {
        public string Description => "unreachable";

        public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<int> WriteAsync(SinkTarget target, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
            throw new SinkUnavailableException("InfluxDB unavailable: network error: connection refused");

        public Task<SinkHealth> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(new SinkHealth(false, Description));
    }

    private sealed class RefusingSink : ILineProtocolSink
    {
        public string Description => "refusing";

        public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<int> WriteAsync(SinkTarget target, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
            throw new SinkRejectedException(401, "InfluxDB refused: HTTP 401 unauthorized access");

        public Task<SinkHealth> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(new SinkHealth(false, Description));
    }
}
