using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>
/// Contract §3: a row dated before Ingestion:EarliestValidTime (after the zone conversion) comes from a logger whose
/// clock was lost (it restarts at 01/01/20 01:00): counted, never written, outside the statistics and the time range.
/// </summary>
public sealed class ClockNotSetTests
{
    private static long At(int y, int mo, int d, int h, int mi, int offsetHours) =>
        new DateTimeOffset(y, mo, d, h, mi, 0, TimeSpan.FromHours(offsetHours)).ToUnixTimeSeconds();

    /// <summary>What a logger writes after losing its clock, until someone sets it: three 2020 rows, then real time.</summary>
    private static string ClockLostThenSet() => new TsvBuilder()
        .Row("01/01/20 01:00:00", "999", "999", "999")
        .Row("01/01/20 01:10:00", "-999", "-999", "-999")
        .Row("01/01/20 01:20:00", "999", "999", "999")
        .Row("05/01/26 10:00:00", "230", "231", "232")
        .Row("bad", "1", "1", "1")
        .Row("05/01/26 10:10:00", "233", "234", "235")
        .Build();

    [Fact]
    public async Task RowsBeforeTheEarliestValidTimeAreCountedAndNotWritten()
    {
        var (result, lines) = await IngestorHarness.RunAsync(ClockLostThenSet());

        var c = result.Counters;
        Assert.Equal((6L, 3L, 1L, 2L), (c.LinesTotal, c.ClockNotSetRows, c.InvalidTimestamps, c.RowsIngested));
        Assert.Equal(3 + 1, c.LinesIgnored);
        Assert.Equal(c.LinesTotal, c.RowsIngested + c.LinesIgnored);
        Assert.Equal(6, c.PointsWritten);
        Assert.Equal(6, lines.Count);
        Assert.All(lines, l => Assert.True(l.Timestamp >= At(2026, 1, 5, 10, 0, 1), $"a 2020 row was written: {l.Timestamp}"));
        Assert.DoesNotContain(lines, l => Math.Abs(l.Value) == 999);
    }

    [Fact]
    public async Task ClockNotSetRowsStayOutOfTheStatisticsAndTheTimeRange()
    {
        var (result, _) = await IngestorHarness.RunAsync(ClockLostThenSet());

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(At(2026, 1, 5, 10, 0, 1)), result.TimeStart);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(At(2026, 1, 5, 10, 10, 1)), result.TimeEnd);
        var u1 = result.Channels[0];
        Assert.Equal((2L, 230.0, 233.0, 231.5), (u1.Points, u1.Min!.Value, u1.Max!.Value, u1.Mean!.Value));
    }

    [Fact]
    public async Task TheWarningSaysHowManyRowsWhereAndWhy()
    {
        var (result, _) = await IngestorHarness.RunAsync(ClockLostThenSet());

        // Lines 1 and 2 are the format lines.
        var warning = Assert.Single(result.Warnings, w => w.Contains("clock was not set", StringComparison.Ordinal));
        Assert.Equal("3 rows dated before 2021-01-01T00:00:00Z (Ingestion:EarliestValidTime), lines 3 to 5: the logger's clock was not set; not ingested", warning);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("invalid timestamp '01/01/20", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheEarliestValidTimeIsComparedAfterTheZoneConversion()
    {
        // 00:30 on 1 January 2021 in Paris is 23:30 UTC on 31 December 2020: before the limit.
        var tsv = new TsvBuilder().Row("01/01/21 00:30:00", "1", "2", "3").Row("01/01/21 01:00:00", "4", "5", "6").Build();

        var (paris, parisLines) = await IngestorHarness.RunAsync(tsv);
        var (utc, utcLines) = await IngestorHarness.RunAsync(tsv, clock: IngestorHarness.Clock("UTC"));

        Assert.Equal((1L, 1L), (paris.Counters.ClockNotSetRows, paris.Counters.RowsIngested));
        Assert.All(parisLines, l => Assert.Equal(At(2021, 1, 1, 1, 0, 1), l.Timestamp));
        Assert.Equal((0L, 2L), (utc.Counters.ClockNotSetRows, utc.Counters.RowsIngested));
        Assert.Equal(6, utcLines.Count);
    }

    [Fact]
    public async Task TheLimitIsAnInstantWithItsOffset()
    {
        var tsv = new TsvBuilder().Row("05/01/26 09:50:00", "1", "2", "3").Row("05/01/26 10:00:00", "4", "5", "6").Build();
        // 10:00 in Paris in January.
        var clock = IngestorHarness.Clock("Europe/Paris", new DateTimeOffset(2026, 1, 5, 11, 0, 0, TimeSpan.FromHours(2)));

        var (result, lines) = await IngestorHarness.RunAsync(tsv, clock: clock);

        Assert.Equal(1, result.Counters.ClockNotSetRows);
        Assert.All(lines, l => Assert.Equal(At(2026, 1, 5, 10, 0, 1), l.Timestamp));
        Assert.Contains(result.Warnings, w => w.StartsWith("1 row dated before 2026-01-05T09:00:00Z (Ingestion:EarliestValidTime), line 3:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFileWithOnlyClockNotSetRowsGivesNoPointAndAWarning()
    {
        var tsv = new TsvBuilder().Row("01/01/20 01:00:02", "1", "2", "3").Row("01/01/20 01:10:02", "4", "5", "6").Build();

        var (result, lines) = await IngestorHarness.RunAsync(tsv);

        Assert.Empty(lines);
        Assert.Equal((2L, 2L, 0L, 0L), (result.Counters.LinesTotal, result.Counters.ClockNotSetRows, result.Counters.RowsIngested, result.Counters.PointsWritten));
        Assert.Null(result.TimeStart);
        Assert.Null(result.TimeEnd);
        Assert.All(result.Channels, ch => Assert.Equal((0L, (double?)null), (ch.Points, ch.Min)));
        Assert.Contains(result.Warnings, w => w.StartsWith("2 rows dated before 2021-01-01T00:00:00Z", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Warnings, w => w.Contains("no data rows", StringComparison.Ordinal));
    }
}
