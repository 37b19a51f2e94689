using System.Text;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>Contract §1: how a file is read, and what makes it rejected.</summary>
public sealed class FileStructureTests
{
    private static readonly string Plain = new TsvBuilder().Row("05/01/26 10:00:00", "1", "2", "3").Row("05/01/26 10:10:00", "4", "5", "6").Build();

    [Fact]
    public async Task BomCrlfAndLeadingBlankLinesReadLikeAPlainFile()
    {
        var crlf = "\uFEFF\r\n\r\n   \r\n" + new TsvBuilder().Crlf().Row("05/01/26 10:00:00", "1", "2", "3").Row("05/01/26 10:10:00", "4", "5", "6").Build();

        var (expected, plainLines) = await IngestorHarness.RunAsync(Plain);
        var (result, lines) = await IngestorHarness.RunAsync(crlf);

        Assert.Equal(plainLines, lines, (a, b) => a.Field == b.Field && a.Value == b.Value && a.Timestamp == b.Timestamp && a.Tags.SequenceEqual(b.Tags));
        Assert.Equal(expected.Counters.LinesTotal, result.Counters.LinesTotal);
        Assert.Equal(6, result.Counters.PointsWritten);
        Assert.Equal(0, result.Counters.TruncatedLines);
    }

    [Fact]
    public async Task HeaderJsonMaySpanSeveralLines()
    {
        var tsv = new TsvBuilder().Header("{\n  \"MasterType\": \"Mono\",\n  \"FileVersion\": 3\n}")
            .Format("MV_T302_V003", "Ph 1 V", "Voie1 W").Serials("7", "7", "7")
            .Row("05/01/26 10:00:00", "230", "10").Build();

        var (result, _) = await IngestorHarness.RunAsync(tsv);

        Assert.Equal("mono", result.Channels[0].DeviceSubtype);
        Assert.Equal(3, result.Metadata!["FileVersion"].GetInt32());
        Assert.True(result.SawEndData);
    }

    [Fact]
    public async Task InvalidHeaderJsonGivesEmptyMetadataAndAWarning()
    {
        var tsv = new TsvBuilder().Header("{\"MasterType\": Mono").Format("MV_T302_V003", "Ph 1 V", "Ph 2 V", "Ph 3 V")
            .Row("05/01/26 10:00:00", "1", "2", "3").Build();

        var (result, lines) = await IngestorHarness.RunAsync(tsv);

        Assert.Empty(result.Metadata!);
        Assert.Contains(result.Warnings, w => w.StartsWith("header JSON is not valid", StringComparison.Ordinal));
        Assert.Equal(3, lines.Count);
        Assert.Equal("tri", result.Channels[0].DeviceSubtype);
    }

    [Fact]
    public async Task TheStructureNotTheMarkerDecidesHowToRead()
    {
        // A header block carrying a V002 marker exists in the field (upstream §1.4).
        var tsv = new TsvBuilder().Header("{\"FileVersion\":2,\"MasterType\":\"Tri\"}")
            .Format("MV_T302_V002", "Ph 1 V", "Ph 2 V", "Ph 3 V").Row("08/09/26 14:50:00", "1", "2", "3").Build();

        var (result, lines) = await IngestorHarness.RunAsync(tsv);

        Assert.Equal("MV_T302_V002", result.Format);
        Assert.Equal(3, lines.Count);
        Assert.DoesNotContain(lines, l => l.Tags["channel_name"].Contains("END_DATA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LinesAfterEndDataAreIgnored()
    {
        var tsv = new TsvBuilder().Header("{}").Row("05/01/26 10:00:00", "1", "2", "3").Build()
            + "05/01/26 11:00:00\t9\t9\t9\ngarbage\n";

        var (result, lines) = await IngestorHarness.RunAsync(tsv);

        Assert.Equal(1, result.Counters.LinesTotal);
        Assert.Equal(3, lines.Count);
        Assert.DoesNotContain(lines, l => l.Value == 9);
    }

    [Fact]
    public async Task MissingEndDataReadsToTheEndWithAWarning()
    {
        var tsv = new TsvBuilder().Header("{}", endData: false).Row("05/01/26 10:00:00", "1", "2", "3").Build();

        var (result, lines) = await IngestorHarness.RunAsync(tsv);

        Assert.False(result.SawEndData);
        Assert.Equal(3, lines.Count);
        Assert.Contains(result.Warnings, w => w.Contains("no END_DATA", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("\n\n  \n", "the file is empty")]
    [InlineData("02000800\t02000800\n", "format line B is missing")]
    [InlineData("02000800\t02000800\nMV_X999_V001\tPh 1 V\n", "unsupported format marker 'MV_X999_V001'")]
    [InlineData("02000800\t02000800\n\tPh 1 V\n", "no format marker")]
    [InlineData("02000800\t02000800\t02000800\nMV_T302_V002\tPh 1 V\n", "line B has 2 cells but line A has 3")]
    [InlineData("02000800\nMV_T302_V002\n", "no channel column")]
    [InlineData("02000800\t\t02000800\nMV_T302_V002\tPh 1 V\tPh 2 V\n", "empty serial number in column 1")]
    [InlineData("02000800\t02000800\nMV_T302_V002\t\n", "empty channel name in column 1")]
    [InlineData("START_HEADER\n{}\n", "no END_HEADER")]
    [InlineData("START_HEADER\n{}\nEND_HEADER\n02000800\t02000800\n", "expected START_DATA")]
    [InlineData("START_HEADER\n{}\nEND_HEADER\nSTART_DATA\n", "no format lines after START_DATA")]
    [InlineData("02000800\t02000800\nMV_T302_V0", "ends inside format line B")]
    public async Task UnreadableFilesAreRejectedWithAReason(string content, string reason)
    {
        var message = await IngestorHarness.RejectionAsync(content);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidUtf8InTheFormatLinesIsRejected()
    {
        var bytes = Encoding.UTF8.GetBytes("02000800\t02000800\nMV_T302_V002\tPh ").Concat(new byte[] { 0xC3, 0x28 }).Concat("1 V\n"u8.ToArray()).ToArray();
        var ingestor = new PowerView.Api.Ingestion.TsvIngestor(PowerView.Api.Ingestion.Tsv.FormatRegistry.Default, 5000);
        using var stream = new MemoryStream(bytes);

        var ex = await Assert.ThrowsAsync<PowerView.Api.Ingestion.Tsv.FileRejectedException>(
            () => ingestor.IngestAsync(stream, "c", null, IngestorHarness.Paris, new CapturingWriter().Write, TestContext.Current.CancellationToken));

        Assert.Contains("not valid UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowsValuesAndCountersFollowTheContract()
    {
        var tsv = new TsvBuilder()
            .Row("05/01/26 10:00:00", "1", "2", "3")
            .Row("")
            .Row("   ")
            .Row("31/02/26 10:00:00", "1", "2", "3")
            .Row("05/01/26 10:10:00", "", "abc", "1,5")
            .Row("05/01/26 10:20:00", "nan", "inf", "-0.0")
            .Row("05/01/26 10:30:00", "7")
            .Row("05/01/26 10:40:00", "1", "2", "3", "99", "98")
            .Row("05/01/26 10:50:00", "0", "-5", "1e2")
            .Row("05/01/26 10:50:00", "0", "-6", "1e2")
            .Row("05/01/26 11:00:00", "24", "24", "24")
            .Unterminated()
            .Build();

        var (result, lines) = await IngestorHarness.RunAsync(tsv);

        Assert.Equal(9, result.Counters.LinesTotal);
        Assert.Equal(1, result.Counters.InvalidTimestamps);
        Assert.Equal(1, result.Counters.TruncatedLines);
        Assert.Equal(2, result.Counters.LinesIgnored);
        Assert.Equal(7, result.Counters.RowsIngested);
        Assert.Equal(3 + 2 + 2, result.Counters.InvalidValues);
        Assert.Equal(3 + 0 + 1 + 1 + 3 + 3 + 3, result.Counters.PointsWritten);
        Assert.Equal(result.Counters.PointsWritten, lines.Count);
        Assert.DoesNotContain(lines, l => l.Value == 24);
        Assert.DoesNotContain(lines, l => l.Value is 99 or 98);
        // Plain V002: French local time, UTC+1 in January.
        long Paris(int hour, int minute) => LocalWallClock.Epoch("Europe/Paris", 2026, 1, 5, hour, minute);
        var negativeZero = Assert.Single(lines, l => l.Timestamp == Paris(10, 20) && l.Field.EndsWith("U3_V", StringComparison.Ordinal));
        Assert.True(double.IsNegative(negativeZero.Value));
        Assert.Equal([-5.0, -6.0], lines.Where(l => l.Field.EndsWith("U2_V", StringComparison.Ordinal) && l.Timestamp == Paris(10, 50)).Select(l => l.Value));
        Assert.Contains(result.Warnings, w => w.Contains("invalid timestamp '31/02/26 10:00:00'", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("column 2: invalid value 'abc'", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("column 2: missing value", StringComparison.Ordinal));
        var u1 = result.Channels[0];
        Assert.Equal((5L, 0.0, 7.0), (u1.Points, u1.Min!.Value, u1.Max!.Value));
        Assert.Equal((1 + 7 + 1 + 0 + 0) / 5.0, u1.Mean!.Value, 12);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Paris(10, 0)), result.TimeStart);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Paris(10, 50)), result.TimeEnd);
    }

    [Fact]
    public async Task ManyInvalidCellsAreCountedButOnlyTheFirstAreListed()
    {
        var builder = new TsvBuilder();
        for (var i = 0; i < 50; i++)
        {
            builder.Row("05/01/26 10:00:00", "x", "y", "z");
        }

        var (result, _) = await IngestorHarness.RunAsync(builder.Build());

        Assert.Equal(150, result.Counters.InvalidValues);
        Assert.Equal(21, result.Warnings.Count);
        Assert.Contains("130 more", result.Warnings[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PointsGoOutInChunksOfAtMostChunkLinesAndWholeRows()
    {
        var builder = new TsvBuilder();
        for (var i = 0; i < 100; i++)
        {
            builder.Row($"05/01/26 10:{i % 60:00}:00", "1", "2", "3");
        }

        var writer = new CapturingWriter();
        var ingestor = new PowerView.Api.Ingestion.TsvIngestor(PowerView.Api.Ingestion.Tsv.FormatRegistry.Default, chunkLines: 25);
        using var stream = builder.BuildStream();
        var result = await ingestor.IngestAsync(stream, "c", null, IngestorHarness.Paris, writer.Write, TestContext.Current.CancellationToken);

        Assert.Equal(300, result.Counters.PointsWritten);
        Assert.Equal(13, writer.Chunks.Count);
        Assert.All(writer.Chunks.SkipLast(1), c => Assert.Equal(24, c.Count(ch => ch == '\n')));
        Assert.All(writer.Chunks, c => Assert.EndsWith("\n", c, StringComparison.Ordinal));
    }
}
