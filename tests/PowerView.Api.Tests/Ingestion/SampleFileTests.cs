using PowerView.Api.Ingestion.Tsv;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>
/// Every real device file through the whole engine (file sink), against figures computed independently
/// by tests/tools/expected_counts.py from the contract's rules (not from this code).
/// </summary>
public sealed class SampleFileTests
{
    /// <summary>sample, linesTotal, rowsIngested, invalidTimestamps, invalidValues, truncatedLines, points, first, last (epoch s).</summary>
    public static TheoryData<string, long, long, long, long, long, long, long?, long?> Expected => new()
    {
        { "0_camp_base-error/T302_260109_133915.tsv", 0, 0, 0, 0, 0, 0, null, null },
        { "0_camp_base-parsed/T302_251025_031739.tsv", 38, 38, 0, 0, 0, 228, 1761339000, 1761361200 },
        { "0_camp_base-parsed/T302_251026_031500.tsv", 149, 149, 0, 0, 0, 894, 1761362400, 1761447600 },
        { "0_camp_base-parsed/T302_251027_031520.tsv", 143, 143, 0, 0, 0, 858, 1761448800, 1761534000 },
        { "0_camp_base-parsed/T302_251028_031519.tsv", 143, 143, 0, 0, 0, 858, 1761535200, 1761620400 },
        { "0_camp_base-parsed/T302_251029_031500.tsv", 143, 143, 0, 0, 0, 858, 1761621600, 1761706800 },
        { "0_camp_base-parsed/T302_251101_031719.tsv", 81, 80, 0, 0, 1, 480, 1761708000, 1761755400 },
        { "0_camp_base-parsed/T302_251101_032048.tsv", 432, 432, 0, 0, 0, 2592, 1761708000, 1761966600 },
        { "0_camp_base-parsed/T302_251102_031739.tsv", 142, 142, 0, 0, 0, 852, 1761967800, 1762052400 },
        { "0_camp_base-parsed/T302_251103_031739.tsv", 143, 143, 0, 0, 0, 858, 1762053600, 1762138800 },
        { "0_camp_base-parsed/T302_251104_031459.tsv", 143, 143, 0, 0, 0, 858, 1762140000, 1762225200 },
        { "0_camp_base-parsed/T302_251106_031719.tsv", 287, 287, 0, 0, 0, 1722, 1762226400, 1762398000 },
        { "0_camp_base-parsed/T302_251107_031459.tsv", 143, 143, 0, 0, 0, 858, 1762399200, 1762484400 },
        { "0_camp_base-parsed/T302_251110_031739.tsv", 431, 431, 0, 0, 0, 2586, 1762485600, 1762743600 },
        { "0_camp_base-parsed/T302_251111_031719.tsv", 143, 143, 0, 0, 0, 858, 1762744800, 1762830000 },
        { "0_camp_base-parsed/T302_251112_031719.tsv", 143, 143, 0, 0, 0, 858, 1762831200, 1762916400 },
        { "0_camp_base-parsed/T302_251113_031719.tsv", 143, 143, 0, 0, 0, 858, 1762917600, 1763002800 },
        { "0_camp_base-parsed/T302_251114_031739.tsv", 143, 143, 0, 0, 0, 858, 1763004000, 1763089200 },
        { "0_camp_base-parsed/T302_251115_031459.tsv", 143, 143, 0, 0, 0, 858, 1763090400, 1763175600 },
        { "0_camp_base-parsed/T302_251116_031739.tsv", 143, 143, 0, 0, 0, 858, 1763176800, 1763262000 },
        { "0_camp_base-parsed/T302_251117_031719.tsv", 145, 145, 0, 0, 0, 870, 1763263200, 1763348400 },
        { "0_camp_base-parsed/T302_251118_032039.tsv", 144, 144, 0, 0, 0, 864, 1763349600, 1763435400 },
        { "0_camp_base-parsed/T302_251119_031459.tsv", 142, 142, 0, 0, 0, 852, 1763436600, 1763521200 },
        { "0_camp_base-parsed/T302_251120_031740.tsv", 143, 143, 0, 0, 0, 858, 1763522400, 1763607600 },
        { "0_camp_base-parsed/T302_251121_031739.tsv", 143, 143, 0, 0, 0, 858, 1763608800, 1763694000 },
        { "0_camp_base-parsed/T302_251122_031739.tsv", 143, 143, 0, 0, 0, 858, 1763695200, 1763780400 },
        { "0_camp_base-parsed/T302_251123_032039.tsv", 144, 144, 0, 0, 0, 864, 1763781600, 1763867400 },
        { "0_camp_base-parsed/T302_251128_031740.tsv", 720, 720, 0, 0, 0, 4320, 1763868600, 1764298800 },
        { "0_camp_base-parsed/T302_251129_031459.tsv", 143, 143, 0, 0, 0, 858, 1764300000, 1764385200 },
        { "0_camp_base-parsed/T302_251130_032039.tsv", 144, 144, 0, 0, 0, 864, 1764386400, 1764472200 },
        { "0_camp_base-parsed/T302_251201_031719.tsv", 142, 142, 0, 0, 0, 852, 1764473400, 1764558000 },
        { "0_camp_base-parsed/T302_251202_031719.tsv", 143, 143, 0, 0, 0, 858, 1764559200, 1764644400 },
        { "0_camp_base-parsed/T302_251204_032039.tsv", 288, 288, 0, 0, 0, 1728, 1764645600, 1764817800 },
        { "0_camp_base-parsed/T302_251205_031740.tsv", 142, 142, 0, 0, 0, 852, 1764819000, 1764903600 },
        { "0_camp_base-parsed/T302_260108_213912.tsv", 27, 26, 0, 0, 1, 156, 1764904800, 1764919800 },
        { "0_camp_base-parsed/T302_260108_235046.tsv", 408, 407, 0, 0, 1, 2442, 1764904800, 1765148400 },
        { "0_camp_base-parsed/T302_260109_103704.tsv", 600, 599, 0, 0, 1, 3594, 1764904800, 1765263600 },
        { "0_camp_base-parsed/T302_260109_115729.tsv", 162, 161, 0, 0, 1, 966, 1764904800, 1765000800 },
        { "0_camp_base-parsed/T302_260109_124320.tsv", 189, 188, 0, 0, 1, 1128, 1764904800, 1765017000 },
        { "0_camp_base-parsed/T302_260109_124717.tsv", 242, 241, 0, 0, 1, 1446, 1764904800, 1765048800 },
        { "0_camp_base-parsed/T302_260109_131701.tsv", 544, 543, 0, 0, 1, 3258, 1764904800, 1765230000 },
        { "0_camp_base-parsed/T302_260109_134227.tsv", 616, 616, 0, 0, 0, 3696, 1764904800, 1765273800 },
        { "0_camp_base-parsed/T302_260109_134553.tsv", 711, 710, 0, 0, 1, 4260, 1764904800, 1765330200 },
        { "0_camp_base-parsed/T302_260109_152325.tsv", 571, 570, 0, 0, 1, 3420, 1764904800, 1765246200 },
        { "0_camp_base-parsed/T302_260109_173600.tsv", 460, 459, 0, 0, 1, 2754, 1764904800, 1765179600 },
        { "0_camp_base-parsed/T302_260109_174149.tsv", 242, 241, 0, 0, 1, 1446, 1764904800, 1765048800 },
        { "0_camp_base-parsed/T302_260109_183756.tsv", 517, 516, 0, 0, 1, 3096, 1764904800, 1765213800 },
        { "0_camp_base-parsed/T302_260109_213817.tsv", 5145, 5145, 0, 0, 0, 30870, 1764904800, 1767993600 },
        { "0_camp_base-parsed/T302_260110_031459.tsv", 33, 33, 0, 0, 0, 198, 1767994800, 1768014000 },
        { "0_camp_base-parsed/T302_260111_031459.tsv", 143, 143, 0, 0, 0, 858, 1768015200, 1768100400 },
        { "company1/T302_251012_031720.tsv", 143, 143, 0, 0, 0, 4290, 1754191200, 1754276400 },
        { "dominique/T302_260105_162016.tsv", 38, 38, 0, 0, 0, 228, 1767607200, 1767629400 },
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
        Assert.Equal(invalidTimestamps + truncated, run.Counters.LinesIgnored);
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
        var epoch = new DateTimeOffset(wall, TimeSpan.Zero).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain(engine.SinkLines("acme"), l => l.EndsWith(" " + epoch, StringComparison.Ordinal));
        Assert.Equal(1, run.Counters.TruncatedLines);
    }
}
