using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>
/// Contract §3 at the engine: a header's DataTimeSettings decides (UTC, or local time in its TimeZoneName); every other
/// file is local time in the zone configured for it. Expected instants are wall times with their offsets written by hand.
/// </summary>
public sealed class TimeZoneTests
{
    private static readonly TimeSpan Winter = TimeSpan.FromHours(1);
    private static readonly TimeSpan Summer = TimeSpan.FromHours(2);

    private static string HeaderFile(string settings, string zone, params string[] timestamps)
    {
        var builder = new TsvBuilder().Header($"{{\"DataTimeSettings\":\"{settings}\",\"TimeZoneName\":\"{zone}\"}}")
            .Serials("7", "7").Format("MV_T302_V003", "Ph 1 V");
        return WithRows(builder, timestamps);
    }

    private static string PlainFile(string marker, params string[] timestamps) =>
        WithRows(new TsvBuilder().Serials("7", "7").Format(marker, "Ph 1 V"), timestamps);

    private static string WithRows(TsvBuilder builder, string[] timestamps)
    {
        for (var i = 0; i < timestamps.Length; i++)
        {
            builder.Row(timestamps[i], (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.Build();
    }

    private static long At(int y, int mo, int d, int h, int mi, TimeSpan offset) => new DateTimeOffset(y, mo, d, h, mi, 0, offset).ToUnixTimeSeconds();

    [Theory]
    [InlineData("MV_T302_V002")]
    [InlineData("MV_T202_V002")]
    public async Task PlainExportsAreFrenchLocalTimeByDefault(string marker)
    {
        var (result, lines) = await IngestorHarness.RunAsync(PlainFile(marker, "15/01/26 12:00:00", "15/07/26 12:00:00"));

        Assert.Equal("Europe/Paris", result.TimeZone);
        Assert.Equal([At(2026, 1, 15, 12, 0, Winter), At(2026, 7, 15, 12, 0, Summer)], lines.Select(l => l.Timestamp));
        Assert.StartsWith("tzdb 20", result.TimeZoneRules, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlainExportInAZoneConfiguredUtcKeepsItsWallTimes()
    {
        var (result, lines) = await IngestorHarness.RunAsync(PlainFile("MV_T302_V002", "15/07/26 12:00:00"), clock: IngestorHarness.Clock("UTC"));

        Assert.Equal("UTC", result.TimeZone);
        Assert.Equal(At(2026, 7, 15, 12, 0, TimeSpan.Zero), lines[0].Timestamp);
    }

    [Fact]
    public async Task AHeaderThatSaysUtcIsUtcWhateverTheConfiguredZone()
    {
        var (result, lines) = await IngestorHarness.RunAsync(HeaderFile("UTC", "Europe/Paris", "15/07/26 12:00:00"), clock: IngestorHarness.Clock("America/New_York"));

        Assert.Equal(("UTC", "header"), (result.TimeZone, result.TimeZoneSource));
        Assert.Equal(At(2026, 7, 15, 12, 0, TimeSpan.Zero), lines[0].Timestamp);
    }

    [Fact]
    public async Task AHeaderInLocalTimeUsesItsOwnZoneNotTheConfiguredOne()
    {
        var (result, lines) = await IngestorHarness.RunAsync(HeaderFile("Local", "America/New_York", "15/01/26 12:00:00"));

        Assert.Equal(("America/New_York", "header"), (result.TimeZone, result.TimeZoneSource));
        Assert.Equal(At(2026, 1, 15, 12, 0, TimeSpan.FromHours(-5)), lines[0].Timestamp);
    }

    [Fact]
    public async Task AHeaderWithoutDataTimeSettingsIsLocalTimeInTheConfiguredZone()
    {
        // The hybrid export of the field: a header block with a V002 marker and no time settings.
        var tsv = new TsvBuilder().Header("{\"FileVersion\":2,\"MasterType\":\"Tri\"}").Serials("7", "7").Format("MV_T302_V002", "Ph 1 V")
            .Row("08/09/26 14:50:00", "1").Build();

        var (result, lines) = await IngestorHarness.RunAsync(tsv);

        Assert.Equal(("Europe/Paris", "test"), (result.TimeZone, result.TimeZoneSource));
        Assert.Equal(At(2026, 9, 8, 14, 50, Summer), lines[0].Timestamp);
    }

    [Fact]
    public async Task TheRepeatedAutumnHourIsReadInOrderFirstThenSecondOccurrence()
    {
        // Paris, 25 Oct 2026: 03:00 CEST → 02:00 CET; 02:00–02:59 happens twice.
        var (_, lines) = await IngestorHarness.RunAsync(PlainFile("MV_T302_V002",
            "25/10/26 01:50:00", "25/10/26 02:10:00", "25/10/26 02:50:00", "25/10/26 02:10:00", "25/10/26 02:50:00", "25/10/26 03:10:00"));

        Assert.Equal(
            [At(2026, 10, 25, 1, 50, Summer), At(2026, 10, 25, 2, 10, Summer), At(2026, 10, 25, 2, 50, Summer),
             At(2026, 10, 25, 2, 10, Winter), At(2026, 10, 25, 2, 50, Winter), At(2026, 10, 25, 3, 10, Winter)],
            lines.Select(l => l.Timestamp));
    }

    [Fact]
    public async Task ARepeatedInstantInTheAutumnHourStaysADuplicate()
    {
        // Equal to the previous row, not later than the first occurrence: the same instant written twice.
        var (_, lines) = await IngestorHarness.RunAsync(HeaderFile("Local", "Europe/Paris", "25/10/26 02:10:00", "25/10/26 02:10:00"));

        Assert.Equal([At(2026, 10, 25, 2, 10, Summer), At(2026, 10, 25, 2, 10, Summer)], lines.Select(l => l.Timestamp));
    }

    [Fact]
    public async Task AFileAcrossTheSpringChangeKeepsTenMinuteSteps()
    {
        // Paris, 29 Mar 2026: 02:00 CET → 03:00 CEST. A clock that follows the zone jumps from 01:50 to 03:00.
        var (_, lines) = await IngestorHarness.RunAsync(PlainFile("MV_T302_V002",
            "29/03/26 01:40:00", "29/03/26 01:50:00", "29/03/26 03:00:00", "29/03/26 03:10:00"));

        var instants = lines.Select(l => l.Timestamp).ToList();
        Assert.Equal([At(2026, 3, 29, 1, 40, Winter), At(2026, 3, 29, 1, 50, Winter), At(2026, 3, 29, 3, 0, Summer), At(2026, 3, 29, 3, 10, Summer)], instants);
        Assert.All(instants.Zip(instants.Skip(1)), pair => Assert.Equal(600, pair.Second - pair.First));
    }

    [Fact]
    public async Task TheSkippedSpringHourIsReadWithTheOffsetBeforeTheJump()
    {
        // 02:30 does not exist on a clock that follows the zone: it comes from one that has not jumped yet.
        var (_, lines) = await IngestorHarness.RunAsync(PlainFile("MV_T302_V002", "29/03/26 01:50:00", "29/03/26 02:30:00", "29/03/26 03:10:00"));

        Assert.Equal([At(2026, 3, 29, 1, 50, Winter), At(2026, 3, 29, 2, 30, Winter), At(2026, 3, 29, 3, 10, Summer)], lines.Select(l => l.Timestamp));
    }

    [Fact]
    public async Task RowsOnBothSidesOfSeveralChangesEachGetTheirOwnOffset()
    {
        // Winter, summer, winter again in one file: the engine's cached interval must follow.
        var (_, lines) = await IngestorHarness.RunAsync(PlainFile("MV_T302_V002",
            "01/03/26 12:00:00", "01/06/26 12:00:00", "01/12/26 12:00:00", "01/06/27 12:00:00"));

        Assert.Equal(
            [At(2026, 3, 1, 12, 0, Winter), At(2026, 6, 1, 12, 0, Summer), At(2026, 12, 1, 12, 0, Winter), At(2027, 6, 1, 12, 0, Summer)],
            lines.Select(l => l.Timestamp));
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    [InlineData("CET-1CEST,M3.5.0,M10.5.0/3")]
    public async Task AHeaderInLocalTimeWithAnUnknownZoneIsUtcAndSaysSo(string zone)
    {
        var (result, lines) = await IngestorHarness.RunAsync(HeaderFile("Local", zone, "15/01/26 12:00:00"));

        Assert.Equal("UTC", result.TimeZone);
        Assert.Equal(At(2026, 1, 15, 12, 0, TimeSpan.Zero), lines[0].Timestamp);
        Assert.Contains(result.Warnings, w => w.Contains("not a known IANA zone", StringComparison.Ordinal));
    }
}
