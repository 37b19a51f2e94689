using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Ingestion;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Servers;

namespace PowerView.Api.Tests.Ingestion.Sinks;

/// <summary>
/// The embedded default when <c>Influx:Url</c> is empty: the bodies InfluxDB would have received, in
/// <c>&lt;StateDir&gt;/lineprotocol/&lt;bucket&gt;/</c>, and the run summaries under the meta bucket's folder.
/// </summary>
public sealed class FileSinkTests
{
    private const string Sample = "format_v003/T302_260122_162658_UTC.tsv";

    private static async Task<RunRecord> IngestAsync(PowerViewApplication app, string path)
    {
        var outcome = await app.Services.GetRequiredService<IngestionPipeline>().IngestAsync(path, RunTrigger.Hook, TestContext.Current.CancellationToken);
        return Assert.IsType<RunRecord>(outcome.Run);
    }

    [Fact]
    public async Task WithoutInfluxUrlTheLineProtocolGoesToFilesPerBucket()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Influx:ChunkLines"] = "100" });
        Assert.IsType<FileSink>(app.Services.GetRequiredService<ILineProtocolSink>());
        var path = folder.PlaceSample(Sample, company: "acme", campaign: "site 1", device: "02001311");

        var report = await IngestAsync(app, path);

        Assert.Equal(RunStatus.Success, report.Status);
        var bucketDir = Path.Combine(folder.StateDir, "lineprotocol", "acme");
        // One file per run, named after the data file and the run: a re-ingestion never mixes with the first.
        var body = Assert.Single(Directory.GetFiles(bucketDir));
        Assert.Equal($"T302_260122_162658_UTC.{report.Id}.lp", Path.GetFileName(body));
        var lines = LineProtocolLine.ParseBody(await File.ReadAllTextAsync(body, TestContext.Current.CancellationToken));
        var expected = ExpectedFile.Read(Samples.Path(Sample), "site 1");
        Assert.Equal(expected.Points.Count, lines.Count);
        Assert.Equal(report.Counters.PointsWritten, lines.Count);
        foreach (var (point, line) in expected.Points.Zip(lines))
        {
            var channel = expected.Channels[point.Channel];
            Assert.Equal(channel.Tags, line.Tags);
            Assert.Equal(point.Value, line.Fields[channel.FieldKey]);
            Assert.Equal(point.Epoch, line.Timestamp);
        }

        var day = report.FinishedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var meta = Path.Combine(folder.StateDir, "lineprotocol", "powerview_meta", $"meta-{day}.lp");
        var summary = Assert.Single(LineProtocolLine.ParseBody(await File.ReadAllTextAsync(meta, TestContext.Current.CancellationToken)));
        Assert.Equal(("tsv_parser_file", "acme", "site 1", "success"), (summary.Measurement, summary.Tags["bucket"], summary.Tags["campaign"], summary.Tags["status"]));
        Assert.Equal((long)expected.Points.Count, summary.Fields["nb_points"]);
    }

    [Fact]
    public async Task SummariesOfConcurrentRunsAppendWholeLinesToTheDailyMetaFile()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        var paths = Enumerable.Range(0, 8).Select(i => folder.PlaceSample(Sample, campaign: $"c{i}", name: $"T302_{i}.tsv")).ToList();
        // Start the host once, before the threads: WebApplicationFactory would build one host per racing thread.
        var pipeline = app.Services.GetRequiredService<IngestionPipeline>();

        var reports = await Task.WhenAll(paths.Select(p => Task.Run(async () =>
            (await pipeline.IngestAsync(p, RunTrigger.Hook, TestContext.Current.CancellationToken)).Run!)));

        Assert.All(reports, r => Assert.Equal(RunStatus.Success, r.Status));
        var metaDir = Path.Combine(folder.StateDir, "lineprotocol", "powerview_meta");
        var summaries = Directory.GetFiles(metaDir).SelectMany(f => LineProtocolLine.ParseBody(File.ReadAllText(f))).ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"c{i}"), summaries.Select(s => s.Tags["campaign"]).Order());
    }

    [Fact]
    public async Task UnwritableFolderDefersTheRunAndKeepsTheFile()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        // A regular file where the bucket's folder should be: the disk refuses, as a full or read-only one would.
        Directory.CreateDirectory(Path.Combine(folder.StateDir, "lineprotocol"));
        await File.WriteAllTextAsync(Path.Combine(folder.StateDir, "lineprotocol", "acme"), "in the way", TestContext.Current.CancellationToken);
        var path = folder.PlaceSample(Sample);

        var report = await IngestAsync(app, path);

        Assert.Equal(RunStatus.Deferred, report.Status);
        Assert.True(File.Exists(path));
        // The run names the folder as the history does: under the state folder, not by the server's absolute path.
        Assert.Contains("<StateDir>/lineprotocol/acme", report.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(folder.StateDir, report.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("could not read the file", report.Error, StringComparison.Ordinal);
    }
}
