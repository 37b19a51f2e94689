using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>Contract §3: UTC unless V003 metadata says local time in a valid IANA zone.</summary>
public sealed class TimeZoneTests
{
    private static string LocalFile(string zone, string settings = "Local", params string[] timestamps)
    {
        var builder = new TsvBuilder().Header($"{{\"DataTimeSettings\":\"{settings}\",\"TimeZoneName\":\"{zone}\"}}")
            .Serials("7", "7").Format("MV_T302_V003", "Ph 1 V");
        for (var i = 0; i < timestamps.Length; i++)
        {
            builder.Row(timestamps[i], (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.Build();
    }

    private static long Utc(int y, int mo, int d, int h, int mi) => new DateTimeOffset(y, mo, d, h, mi, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    [Fact]
    public async Task UtcSettingsAndV002FilesAreReadAsUtc()
    {
        var (result, lines) = await IngestorHarness.RunAsync(LocalFile("Europe/Paris", "UTC", "15/01/26 12:00:00"));

        Assert.Equal("UTC", result.TimeZone);
        Assert.Equal(Utc(2026, 1, 15, 12, 0), lines[0].Timestamp);
    }

    [Fact]
    public async Task LocalTimesInAnIanaZoneAreConvertedToUtc()
    {
        var (result, lines) = await IngestorHarness.RunAsync(LocalFile("Europe/Paris", "Local", "15/01/26 12:00:00", "15/07/26 12:00:00"));

        Assert.Equal("Europe/Paris", result.TimeZone);
        Assert.Equal([Utc(2026, 1, 15, 11, 0), Utc(2026, 7, 15, 10, 0)], lines.Select(l => l.Timestamp));
    }

    [Fact]
    public async Task TheRepeatedAutumnHourIsReadInOrderFirstThenSecondOccurrence()
    {
        // Paris, 25 Oct 2026: 03:00 CEST → 02:00 CET; 02:00–02:59 happens twice.
        var (_, lines) = await IngestorHarness.RunAsync(LocalFile("Europe/Paris", "Local",
            "25/10/26 01:50:00", "25/10/26 02:10:00", "25/10/26 02:50:00", "25/10/26 02:10:00", "25/10/26 02:50:00", "25/10/26 03:10:00"));

        Assert.Equal(
            [Utc(2026, 10, 24, 23, 50), Utc(2026, 10, 25, 0, 10), Utc(2026, 10, 25, 0, 50), Utc(2026, 10, 25, 1, 10), Utc(2026, 10, 25, 1, 50), Utc(2026, 10, 25, 2, 10)],
            lines.Select(l => l.Timestamp));
    }

    [Fact]
    public async Task TheSkippedSpringHourIsReadWithTheOffsetBeforeTheJump()
    {
        // Paris, 29 Mar 2026: 02:00 CET → 03:00 CEST; 02:30 does not exist on a clock that follows the zone.
        var (_, lines) = await IngestorHarness.RunAsync(LocalFile("Europe/Paris", "Local", "29/03/26 01:50:00", "29/03/26 02:30:00", "29/03/26 03:10:00"));

        Assert.Equal([Utc(2026, 3, 29, 0, 50), Utc(2026, 3, 29, 1, 30), Utc(2026, 3, 29, 1, 10)], lines.Select(l => l.Timestamp));
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    [InlineData("CET-1CEST,M3.5.0,M10.5.0/3")]
    public async Task AnUnknownZoneKeepsUtcAndSaysSo(string zone)
    {
        var (result, lines) = await IngestorHarness.RunAsync(LocalFile(zone, "Local", "15/01/26 12:00:00"));

        Assert.Equal("UTC", result.TimeZone);
        Assert.Equal(Utc(2026, 1, 15, 12, 0), lines[0].Timestamp);
        Assert.Contains(result.Warnings, w => w.Contains("not a known IANA zone", StringComparison.Ordinal));
    }
}
