using PowerView.Api.Ingestion.Tsv;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>
/// Every real device file through the whole engine (file sink), against figures computed independently
/// by tests/tools/expected_counts.py from the contract's rules (not from this code): plain V002 files in the
/// default zone, Europe/Paris, converted by Python's zoneinfo on the host's tzdata; V003 files as their header says.
/// </summary>
public sealed class SampleFileTests
{
    /// <summary>sample, linesTotal, rowsIngested, invalidTimestamps, invalidValues, truncatedLines, points, first, last (epoch s).</summary>
    public static TheoryData<string, long, long, long, long, long, long, long?, long?> Expected => new()
    {
        { "0_camp_base-error/T302_260109_133915.tsv", 0, 0, 0, 0, 0, 0, null, null },
        { "0_camp_base-parsed/T302_251025_031739.tsv", 38, 38, 0, 0, 0, 228, 1761331800, 1761354000 },
        { "0_camp_base-parsed/T302_251026_031500.tsv", 149, 149, 0, 0, 0, 894, 1761355200, 1761444000 },
        { "0_camp_base-parsed/T302_251027_031520.tsv", 143, 143, 0, 0, 0, 858, 1761445200, 1761530400 },
        { "0_camp_base-parsed/T302_251028_031519.tsv", 143, 143, 0, 0, 0, 858, 1761531600, 1761616800 },
        { "0_camp_base-parsed/T302_251029_031500.tsv", 143, 143, 0, 0, 0, 858, 1761618000, 1761703200 },
        { "0_camp_base-parsed/T302_251101_031719.tsv", 81, 80, 0, 0, 1, 480, 1761704400, 1761751800 },
        { "0_camp_base-parsed/T302_251101_032048.tsv", 432, 432, 0, 0, 0, 2592, 1761704400, 1761963000 },
        { "0_camp_base-parsed/T302_251102_031739.tsv", 142, 142, 0, 0, 0, 852, 1761964200, 1762048800 },
        { "0_camp_base-parsed/T302_251103_031739.tsv", 143, 143, 0, 0, 0, 858, 1762050000, 1762135200 },
        { "0_camp_base-parsed/T302_251104_031459.tsv", 143, 143, 0, 0, 0, 858, 1762136400, 1762221600 },
        { "0_camp_base-parsed/T302_251106_031719.tsv", 287, 287, 0, 0, 0, 1722, 1762222800, 1762394400 },
        { "0_camp_base-parsed/T302_251107_031459.tsv", 143, 143, 0, 0, 0, 858, 1762395600, 1762480800 },
        { "0_camp_base-parsed/T302_251110_031739.tsv", 431, 431, 0, 0, 0, 2586, 1762482000, 1762740000 },
        { "0_camp_base-parsed/T302_251111_031719.tsv", 143, 143, 0, 0, 0, 858, 1762741200, 1762826400 },
        { "0_camp_base-parsed/T302_251112_031719.tsv", 143, 143, 0, 0, 0, 858, 1762827600, 1762912800 },
        { "0_camp_base-parsed/T302_251113_031719.tsv", 143, 143, 0, 0, 0, 858, 1762914000, 1762999200 },
        { "0_camp_base-parsed/T302_251114_031739.tsv", 143, 143, 0, 0, 0, 858, 1763000400, 1763085600 },
        { "0_camp_base-parsed/T302_251115_031459.tsv", 143, 143, 0, 0, 0, 858, 1763086800, 1763172000 },
        { "0_camp_base-parsed/T302_251116_031739.tsv", 143, 143, 0, 0, 0, 858, 1763173200, 1763258400 },
        { "0_camp_base-parsed/T302_251117_031719.tsv", 145, 145, 0, 0, 0, 870, 1763259600, 1763344800 },
        { "0_camp_base-parsed/T302_251118_032039.tsv", 144, 144, 0, 0, 0, 864, 1763346000, 1763431800 },
        { "0_camp_base-parsed/T302_251119_031459.tsv", 142, 142, 0, 0, 0, 852, 1763433000, 1763517600 },
        { "0_camp_base-parsed/T302_251120_031740.tsv", 143, 143, 0, 0, 0, 858, 1763518800, 1763604000 },
        { "0_camp_base-parsed/T302_251121_031739.tsv", 143, 143, 0, 0, 0, 858, 1763605200, 1763690400 },
        { "0_camp_base-parsed/T302_251122_031739.tsv", 143, 143, 0, 0, 0, 858, 1763691600, 1763776800 },
        { "0_camp_base-parsed/T302_251123_032039.tsv", 144, 144, 0, 0, 0, 864, 1763778000, 1763863800 },
        { "0_camp_base-parsed/T302_251128_031740.tsv", 720, 720, 0, 0, 0, 4320, 1763865000, 1764295200 },
        { "0_camp_base-parsed/T302_251129_031459.tsv", 143, 143, 0, 0, 0, 858, 1764296400, 1764381600 },
        { "0_camp_base-parsed/T302_251130_032039.tsv", 144, 144, 0, 0, 0, 864, 1764382800, 1764468600 },
        { "0_camp_base-parsed/T302_251201_031719.tsv", 142, 142, 0, 0, 0, 852, 1764469800, 1764554400 },
        { "0_camp_base-parsed/T302_251202_031719.tsv", 143, 143, 0, 0, 0, 858, 1764555600, 1764640800 },
        { "0_camp_base-parsed/T302_251204_032039.tsv", 288, 288, 0, 0, 0, 1728, 1764642000, 1764814200 },
        { "0_camp_base-parsed/T302_251205_031740.tsv", 142, 142, 0, 0, 0, 852, 1764815400, 1764900000 },
        { "0_camp_base-parsed/T302_260108_213912.tsv", 27, 26, 0, 0, 1, 156, 1764901200, 1764916200 },
        { "0_camp_base-parsed/T302_260108_235046.tsv", 408, 407, 0, 0, 1, 2442, 1764901200, 1765144800 },
        { "0_camp_base-parsed/T302_260109_103704.tsv", 600, 599, 0, 0, 1, 3594, 1764901200, 1765260000 },
        { "0_camp_base-parsed/T302_260109_115729.tsv", 162, 161, 0, 0, 1, 966, 1764901200, 1764997200 },
        { "0_camp_base-parsed/T302_260109_124320.tsv", 189, 188, 0, 0, 1, 1128, 1764901200, 1765013400 },
        { "0_camp_base-parsed/T302_260109_124717.tsv", 242, 241, 0, 0, 1, 1446, 1764901200, 1765045200 },
        { "0_camp_base-parsed/T302_260109_131701.tsv", 544, 543, 0, 0, 1, 3258, 1764901200, 1765226400 },
        { "0_camp_base-parsed/T302_260109_134227.tsv", 616, 616, 0, 0, 0, 3696, 1764901200, 1765270200 },
        { "0_camp_base-parsed/T302_260109_134553.tsv", 711, 710, 0, 0, 1, 4260, 1764901200, 1765326600 },
        { "0_camp_base-parsed/T302_260109_152325.tsv", 571, 570, 0, 0, 1, 3420, 1764901200, 1765242600 },
        { "0_camp_base-parsed/T302_260109_173600.tsv", 460, 459, 0, 0, 1, 2754, 1764901200, 1765176000 },
        { "0_camp_base-parsed/T302_260109_174149.tsv", 242, 241, 0, 0, 1, 1446, 1764901200, 1765045200 },
        { "0_camp_base-parsed/T302_260109_183756.tsv", 517, 516, 0, 0, 1, 3096, 1764901200, 1765210200 },
        { "0_camp_base-parsed/T302_260109_213817.tsv", 5145, 5145, 0, 0, 0, 30870, 1764901200, 1767990000 },
        { "0_camp_base-parsed/T302_260110_031459.tsv", 33, 33, 0, 0, 0, 198, 1767991200, 1768010400 },
        { "0_camp_base-parsed/T302_260111_031459.tsv", 143, 143, 0, 0, 0, 858, 1768011600, 1768096800 },
        { "company1/T302_251012_031720.tsv", 143, 143, 0, 0, 0, 4290, 1754184000, 1754269200 },
        { "dominique/T302_260105_162016.tsv", 38, 38, 0, 0, 0, 228, 1767603600, 1767625800 },
        { "format_v003/T302_260122_162658_UTC.tsv", 134, 134, 0, 0, 0, 804, 1768983324, 1769094600 },
        { "test_v003_utc_metadata_4/T302_260128_162130_UTC.tsv", 631, 631, 0, 0, 0, 3786, 1768922611, 1769613000 },
        { "test_v003_utc_metadata_4/T302_260128_171459_UTC.tsv", 5, 5, 0, 0, 0, 30, 1769613600, 1769616000 },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public async Task SampleFileGivesTheExpectedCountsAndMovesToParsed(
        string sample, long linesTotal, long rows, long invalidTimestamps, long invalidValues, long truncated, long points, long? first, long? last)
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(sample, company: "acme", campaign: "site1", device: "dev");
        await using var engine = await EngineHost.StartAsync(folder);

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Null(run.Error);
        Assert.Equal(linesTotal, run.Counters.LinesTotal);
        Assert.Equal(rows, run.Counters.RowsIngested);
        Assert.Equal(invalidTimestamps, run.Counters.InvalidTimestamps);
        Assert.Equal(invalidValues, run.Counters.InvalidValues);
        Assert.Equal(truncated, run.Counters.TruncatedLines);
        Assert.Equal(0, run.Counters.ClockNotSetRows);
        Assert.Equal(invalidTimestamps + truncated, run.Counters.LinesIgnored);
        // The V003 samples say UTC in their header; every other sample is a plain export in the default zone.
        Assert.Equal(sample.EndsWith("_UTC.tsv", StringComparison.Ordinal) ? ("UTC", "header") : ("Europe/Paris", "Ingestion:TimeZone"),
            (run.TimeZone, run.TimeZoneSource));
        Assert.Equal(points, run.Counters.PointsWritten);
        Assert.Equal(first, run.TimeStart?.ToUnixTimeSeconds());
        Assert.Equal(last, run.TimeEnd?.ToUnixTimeSeconds());
        Assert.Equal(points, run.Channels.Sum(c => c.Points));

        var lines = engine.SinkLines("acme");
        Assert.Equal(points, lines.Count);
        Assert.All(lines, l => Assert.StartsWith("electrical,campaign=site1,", l, StringComparison.Ordinal));
        Assert.False(File.Exists(path));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "parsed", Path.GetFileName(path))));
        if (truncated > 0)
        {
            Assert.Contains(run.Warnings, w => w.Contains("interrupted upload", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TheTableCoversEverySample()
    {
        var listed = Expected.Select(row => row.Data.Item1).ToHashSet();
        var rejected = new[] { "0_camp_base-error/T302_260109_120045.tsv" };
        Assert.Equal(Samples.All().Except(rejected).Order(), listed.Order());
    }

    [Fact]
    public async Task EmptySampleIsRejectedAndMovedToError()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample("0_camp_base-error/T302_260109_120045.tsv");
        await using var engine = await EngineHost.StartAsync(folder);

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Error, run.Status);
        Assert.Contains("empty", run.Error, StringComparison.Ordinal);
        Assert.Equal("acme/site1/02000800/error/T302_260109_120045.tsv", run.MovedTo);
        Assert.True(File.Exists(Path.Combine(folder.DataRoot, run.MovedTo!)));
        Assert.Empty(engine.SinkLines("acme"));
    }

    [Fact]
    public async Task FormatLinesOnlyIsASuccessWithZeroPointsAndAWarning()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample("0_camp_base-error/T302_260109_133915.tsv");
        await using var engine = await EngineHost.StartAsync(folder);

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(0, run.Counters.PointsWritten);
        Assert.Equal(6, run.Counters.ChannelCount);
        Assert.Contains(run.Warnings, w => w.Contains("no data rows", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InterruptedUploadNeverWritesTheCutValue()
    {
        // T302_260109_183756.tsv is a byte-prefix of a later upload: its last line stops inside a value ("245.").
        using var folder = new TempFolder();
        var sample = Samples.Path("0_camp_base-parsed/T302_260109_183756.tsv");
        var text = File.ReadAllText(sample);
        var cut = text[(text.LastIndexOf('\n') + 1)..];
        Assert.NotEqual("", cut);
        var path = folder.PlaceSample("0_camp_base-parsed/T302_260109_183756.tsv");
        await using var engine = await EngineHost.StartAsync(folder);

        var run = await engine.IngestAsync(path);

        var cutTimestamp = cut.Split('\t')[0];
        Assert.True(TimestampParser.TryParse(System.Text.Encoding.UTF8.GetBytes(cutTimestamp), out var wall), "the cut line starts with a full timestamp");
        var epoch = new LocalWallClock("Europe/Paris").ToEpoch(wall).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain(engine.SinkLines("acme"), l => l.EndsWith(" " + epoch, StringComparison.Ordinal));
        Assert.Equal(1, run.Counters.TruncatedLines);
    }
}
