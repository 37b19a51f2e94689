using Microsoft.Extensions.Options;
using PowerView.Api.Runs;
using PowerView.Api.Runs.Storage;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>
/// Contract §3 through the service as the CLI runs it: the zone configured per campaign, company or by default, the
/// real sample that shows the loggers keep French time, clock-not-set rows in every record of a run, and the
/// configuration checks.
/// </summary>
public sealed class LocalTimeTests
{
    /// <summary>Repeats 26/10/25 02:00–02:50: the night clocks went back in France (rows 131–142 of the file's 149).</summary>
    private const string AutumnSample = "0_camp_base-parsed/T302_251026_031500.tsv";

    private static readonly TimeSpan Cest = TimeSpan.FromHours(2);
    private static readonly TimeSpan Cet = TimeSpan.FromHours(1);

    private static long At(int y, int mo, int d, int h, int mi, TimeSpan offset) => new DateTimeOffset(y, mo, d, h, mi, 0, offset).ToUnixTimeSeconds();

    private static List<long> Instants(EngineHost engine, string bucket) =>
        engine.SinkLines(bucket).Select(l => LineProtocolLine.Parse(l).Timestamp!.Value).ToList();

    [Fact]
    public async Task TheAutumnSampleGivesOneInstantPerRowWithTheRepeatedHourAfterTheFirst()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(AutumnSample, device: "02001283");
        await using var engine = await EngineHost.StartAsync(folder);

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(("Europe/Paris", "Ingestion:TimeZone"), (run.TimeZone, run.TimeZoneSource));
        Assert.Matches(@"^tzdb 20\d\d[a-z]$", run.TimeZoneRules);
        Assert.Equal((149L, 894L), (run.Counters.RowsIngested, run.Counters.PointsWritten));
        var instants = Instants(engine, "acme");
        Assert.Equal(894, instants.Count);
        var distinct = instants.Distinct().Order().ToList();
        Assert.Equal(149, distinct.Count);
        // Six channels per row, rows in order: every row's instant, then checked against offsets written by hand.
        var rows = instants.Where((_, i) => i % 6 == 0).ToList();
        Assert.Equal(distinct, rows);
        Assert.Equal(At(2025, 10, 25, 3, 20, Cest), rows[0]);
        var firstTwo = rows.IndexOf(At(2025, 10, 26, 2, 0, Cest));
        Assert.Equal(new DateTimeOffset(2025, 10, 26, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), rows[firstTwo]);
        Assert.Equal(new DateTimeOffset(2025, 10, 26, 1, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), rows[firstTwo + 6]);
        Assert.Equal(At(2025, 10, 26, 2, 0, Cet), rows[firstTwo + 6]);
        Assert.Equal(At(2025, 10, 26, 3, 0, Cet), rows[^1]);
        Assert.All(rows.Zip(rows.Skip(1)), pair => Assert.Equal(600, pair.Second - pair.First));
        Assert.Equal((rows[0], rows[^1]), (run.TimeStart!.Value.ToUnixTimeSeconds(), run.TimeEnd!.Value.ToUnixTimeSeconds()));
    }

    [Fact]
    public async Task TheSameFileInACampaignConfiguredUtcWritesItsWallTimesAsTheyAre()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(AutumnSample, campaign: "legacy", device: "02001283");
        await using var engine = await EngineHost.StartAsync(folder, new Dictionary<string, string?>
        {
            ["Ingestion:TimeZones:acme:Campaigns:legacy"] = "UTC",
        });

        var run = await engine.IngestAsync(path);

        Assert.Equal(("UTC", "Ingestion:TimeZones:acme:Campaigns:legacy"), (run.TimeZone, run.TimeZoneSource));
        var instants = Instants(engine, "acme");
        Assert.Equal(894, instants.Count);
        // The old reading: the repeated hour lands on the first one (143 instants), 25/10/25 03:20 is 03:20Z.
        Assert.Equal(143, instants.Distinct().Count());
        Assert.Equal(At(2025, 10, 25, 3, 20, TimeSpan.Zero), instants.Min());
        Assert.Equal(At(2025, 10, 26, 3, 0, TimeSpan.Zero), instants.Max());
        var expected = ExpectedFile.Read(Samples.Path(AutumnSample), "legacy", zone: "UTC");
        Assert.Equal(expected.Points.Select(p => p.Epoch), instants);
    }

    [Fact]
    public async Task ACampaignsZoneWinsOverItsCompanysWhichWinsOverTheDefault()
    {
        using var folder = new TempFolder();
        var tsv = new TsvBuilder().Row("15/01/26 12:00:00", "1", "2", "3").Build();
        var inCampaign = folder.PlaceFile(tsv, company: "acme", campaign: "guyane");
        var inCompany = folder.PlaceFile(tsv, company: "acme", campaign: "other");
        var elsewhere = folder.PlaceFile(tsv, company: "globex", campaign: "guyane");
        await using var engine = await EngineHost.StartAsync(folder, new Dictionary<string, string?>
        {
            ["Ingestion:TimeZone"] = "Europe/Paris",
            ["Ingestion:TimeZones:acme:Default"] = "UTC",
            ["Ingestion:TimeZones:acme:Campaigns:guyane"] = "America/Cayenne",
        });

        var campaign = await engine.IngestAsync(inCampaign);
        var company = await engine.IngestAsync(inCompany);
        var other = await engine.IngestAsync(elsewhere);

        Assert.Equal(("America/Cayenne", "Ingestion:TimeZones:acme:Campaigns:guyane"), (campaign.TimeZone, campaign.TimeZoneSource));
        Assert.Equal(("UTC", "Ingestion:TimeZones:acme:Default"), (company.TimeZone, company.TimeZoneSource));
        Assert.Equal(("Europe/Paris", "Ingestion:TimeZone"), (other.TimeZone, other.TimeZoneSource));
        Assert.Equal(At(2026, 1, 15, 12, 0, TimeSpan.FromHours(-3)), campaign.TimeStart!.Value.ToUnixTimeSeconds());
        Assert.Equal(At(2026, 1, 15, 12, 0, TimeSpan.Zero), company.TimeStart!.Value.ToUnixTimeSeconds());
        Assert.Equal(At(2026, 1, 15, 12, 0, Cet), other.TimeStart!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task CompanyAndCampaignNamesMatchTheirKeysWhateverTheCase()
    {
        // Configuration keys are case-insensitive (an environment variable cannot tell Acme from acme).
        using var folder = new TempFolder();
        var path = folder.PlaceFile(new TsvBuilder().Row("15/01/26 12:00:00", "1", "2", "3").Build(), company: "acme", campaign: "site1");
        await using var engine = await EngineHost.StartAsync(folder, new Dictionary<string, string?>
        {
            ["Ingestion:TimeZones:ACME:Campaigns:Site1"] = "UTC",
        });

        var run = await engine.IngestAsync(path);

        Assert.Equal("UTC", run.TimeZone);
    }

    [Fact]
    public async Task AFileThatBeginsWithClockNotSetRowsReportsThemEverywhereAndWritesTheRest()
    {
        using var folder = new TempFolder();
        var tsv = new TsvBuilder()
            .Row("01/01/20 01:00:00", "1", "2", "3")
            .Row("01/01/20 01:10:00", "1", "2", "3")
            .Row("01/01/20 01:20:00", "1", "2", "3")
            .Row("05/01/26 10:00:00", "230", "231", "232")
            .Build();
        var path = folder.PlaceFile(tsv, company: "acme", campaign: "site1", device: "02000800");
        await using var engine = await EngineHost.StartAsync(folder);
        var ct = TestContext.Current.CancellationToken;

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal((4L, 3L, 0L, 1L, 3L, 3L), (run.Counters.LinesTotal, run.Counters.ClockNotSetRows, run.Counters.InvalidTimestamps,
            run.Counters.RowsIngested, run.Counters.LinesIgnored, run.Counters.PointsWritten));
        Assert.Contains(run.Warnings, w => w.StartsWith("3 rows dated before 2021-01-01T00:00:00Z", StringComparison.Ordinal));
        Assert.All(Instants(engine, "acme"), t => Assert.Equal(At(2026, 1, 5, 10, 0, Cet), t));
        var meta = LineProtocolLine.Parse(Assert.Single(engine.SinkLines("powerview_meta")));
        Assert.Equal((3L, 0L, 4L), ((long)meta.Fields["nb_clock_not_set"], (long)meta.Fields["nb_invalid_timestamps"], (long)meta.Fields["nb_rows"]));
        var listed = Assert.Single(await engine.Store.ListRunsAsync(new RunQuery(), ct));
        Assert.Equal((3L, 3L), (listed.ClockNotSetRows, listed.LinesIgnored));
        var stored = await engine.Store.GetAsync(run.Id, ct);
        Assert.Equal((3L, "Europe/Paris"), (stored!.ClockNotSetRows, stored.TimeZone));
        Assert.Equal(run.TimeZoneRules, stored.TimeZoneRules);
    }

    [Fact]
    public async Task AFileOfClockNotSetRowsOnlyIsASuccessWithZeroPointsAndAWarning()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceFile(new TsvBuilder().Row("01/01/20 01:00:02", "1", "2", "3").Row("01/01/20 01:10:02", "1", "2", "3").Build());
        await using var engine = await EngineHost.StartAsync(folder);

        var run = await engine.IngestAsync(path);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.EndsWith("/parsed/T302_test.tsv", run.MovedTo, StringComparison.Ordinal);
        Assert.Equal((0L, 2L), (run.Counters.PointsWritten, run.Counters.ClockNotSetRows));
        Assert.Contains(run.Warnings, w => w.Contains("clock was not set", StringComparison.Ordinal));
        Assert.Empty(engine.SinkLines("acme"));
    }

    [Fact]
    public async Task TheEarliestValidTimeIsConfigurable()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceFile(new TsvBuilder().Row("31/12/25 23:50:00", "1", "2", "3").Row("01/01/26 00:10:00", "4", "5", "6").Build());
        await using var engine = await EngineHost.StartAsync(folder, new Dictionary<string, string?>
        {
            ["Ingestion:EarliestValidTime"] = "2026-01-01T00:00:00+01:00",
        });

        var run = await engine.IngestAsync(path);

        Assert.Equal((1L, 1L), (run.Counters.ClockNotSetRows, run.Counters.RowsIngested));
        Assert.Equal(At(2026, 1, 1, 0, 10, Cet), run.TimeStart!.Value.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("Ingestion:TimeZone", "Paris", "Ingestion:TimeZone must be an IANA time zone id such as Europe/Paris or UTC (got 'Paris')")]
    [InlineData("Ingestion:TimeZone", "", "Ingestion:TimeZone must be an IANA time zone id")]
    [InlineData("Ingestion:TimeZones:acme:Default", "CET-1CEST", "Ingestion:TimeZones:acme:Default must be an IANA time zone id such as Europe/Paris or UTC (got 'CET-1CEST')")]
    [InlineData("Ingestion:TimeZones:acme:Campaigns:site1", "Europe/Pariss", "Ingestion:TimeZones:acme:Campaigns:site1 must be an IANA time zone id such as Europe/Paris or UTC (got 'Europe/Pariss')")]
    [InlineData("Ingestion:TimeZones:acme", "UTC", "Ingestion:TimeZones:acme must hold Default and/or Campaigns:<campaign>, not a zone itself (write Ingestion:TimeZones:acme:Default)")]
    [InlineData("Ingestion:TimeZones:acme:Campaign:site1", "UTC", "Ingestion:TimeZones:acme:Campaign is not a setting: a company takes Default and Campaigns:<campaign>")]
    [InlineData("Ingestion:TimeZones:acme:Campaigns:site1:Default", "UTC", "Ingestion:TimeZones:acme:Campaigns:site1 must be a zone id")]
    [InlineData("Ingestion:EarliestValidTime", "2021-01-01T00:00:00", "Ingestion:EarliestValidTime must be an instant with its offset, such as 2021-01-01T00:00:00Z (got '2021-01-01T00:00:00')")]
    [InlineData("Ingestion:EarliestValidTime", "soon", "Ingestion:EarliestValidTime must be an instant with its offset")]
    public async Task AWrongTimeSettingStopsTheStartWithTheKeyToFix(string key, string value, string message)
    {
        using var folder = new TempFolder();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => EngineHost.StartAsync(folder, new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(ex.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }
}
