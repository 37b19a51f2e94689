using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure.Servers;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion.RealServers;

/// <summary>
/// The production write path end to end against a real HTTP server: the service's
/// <see cref="IngestionPipeline"/> with <see cref="InfluxSink"/> (real <c>InfluxDB.Client</c>, gzip, small
/// chunks) posting to VictoriaMetrics' <c>/api/v2/write</c>, then every value found again through its
/// export API. VictoriaMetrics has no buckets API, so bucket creation is off here (the in-process
/// InfluxDB double covers it).
/// </summary>
public sealed class VictoriaMetricsTests(VictoriaMetricsServer vm) : RealServerTest(vm), IClassFixture<VictoriaMetricsServer>
{
    [Fact]
    public async Task EverySampleFileIngestedThroughTheInfluxSinkIsFoundInVictoriaMetrics()
    {
        vm.Require();
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Influx:Url"] = vm.BaseUrl.ToString(),
            ["Influx:Token"] = "ignored-by-victoria-metrics",
            ["Influx:Org"] = "ignored",
            ["Influx:EnsureBuckets"] = "false",
            // The larger samples go out in up to 62 gzip bodies.
            ["Influx:ChunkLines"] = "500",
        });
        Assert.IsType<InfluxSink>(app.Services.GetRequiredService<ILineProtocolSink>());
        var pipeline = app.Services.GetRequiredService<IngestionPipeline>();

        // One campaign per file and per test run: VictoriaMetrics keeps every duplicate, and several samples
        // are earlier, cut copies of later uploads, so files must not share series.
        var run = Guid.NewGuid().ToString("N")[..8];
        var files = new List<(string Sample, string Campaign, RunRecord Report)>();
        foreach (var (sample, i) in Samples.All().Select((s, i) => (s, i)))
        {
            var campaign = $"vm{run}-{i:D2}";
            var path = folder.PlaceSample(sample, company: "acme", campaign: campaign, device: "02001283");
            var outcome = await pipeline.IngestAsync(path, RunTrigger.Cli, ct);
            files.Add((sample, campaign, Assert.IsType<RunRecord>(outcome.Run)));
        }

        var exported = (await vm.ExportAsync($"{{campaign=~\"vm{run}-.*\"}}")).ToLookup(s => s.Labels["campaign"]);
        long checkedValues = 0;
        foreach (var (sample, campaign, report) in files)
        {
            var expected = ExpectedFile.Read(Samples.Path(sample), campaign);
            var series = exported[campaign].ToList();
            var meta = series.Where(s => s.Name.StartsWith("tsv_parser_file_", StringComparison.Ordinal)).ToList();
            var points = series.Where(s => s.Name.StartsWith("electrical_", StringComparison.Ordinal)).ToList();
            var nbPoints = Assert.Single(meta, s => s.Name == "tsv_parser_file_nb_points");
            Assert.Equal(report.Status.Wire(), nbPoints.Labels["status"]);
            Assert.Equal(expected.Points.Count, Assert.Single(nbPoints.Samples).Value);
            if (expected.RejectedBecause is not null)
            {
                Assert.Equal(RunStatus.Error, report.Status);
                Assert.Contains("/error/", report.MovedTo, StringComparison.Ordinal);
                Assert.Empty(points);
                continue;
            }

            Assert.True(report.Status == RunStatus.Success, $"{sample}: {report.Status} {report.Error}");
            Assert.Equal(expected.Points.Count, report.Counters.PointsWritten);
            var written = expected.Points.ToLookup(p => p.Channel);
            Assert.Equal(written.Count, points.Count);
            foreach (var channel in written)
            {
                var ch = expected.Channels[channel.Key];
                var stored = Assert.Single(points, s => s.Name == "electrical_" + ch.FieldKey);
                Assert.Equal(ch.Tags, stored.Labels.Where(l => l.Key != "__name__").ToDictionary());
                // Every sample of the file, duplicates included; VictoriaMetrics stores -0.0 as 0, which == accepts.
                var want = channel.Select(p => (p.Epoch * 1000, p.Value)).Order().ToList();
                var got = stored.Samples.Order().ToList();
                Assert.Equal(want.Count, got.Count);
                for (var k = 0; k < want.Count; k++)
                {
                    if (want[k].Item1 != got[k].TimestampMs || want[k].Value != got[k].Value)
                    {
                        Assert.Fail($"{sample} {ch.FieldKey}: sample {k} expected {want[k]}, VictoriaMetrics has {got[k]}");
                    }
                }

                checkedValues += want.Count;
            }
        }

        Output($"{files.Count} files, {checkedValues} values found in VictoriaMetrics");
    }
}
