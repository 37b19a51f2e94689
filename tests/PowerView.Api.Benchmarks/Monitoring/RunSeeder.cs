using System.Diagnostics;
using System.Text.Json;
using PowerView.Api.Runs;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Benchmarks.Monitoring;

/// <summary>
/// Fills a run store the way a year of uploads would: 10 companies, 5 campaigns each, 4 devices per
/// campaign, runs spread evenly over the year and recorded in time order, 93 % success, 4 % error,
/// 2 % deferred, 1 % skipped, full reports with 6 channels (30 for one device in ten), and the
/// provisioning runs of every company and campaign. Fixed random seed: the same store every time.
/// </summary>
internal static class RunSeeder
{
    public const int Companies = 10;
    public const int CampaignsPerCompany = 5;
    public const int DevicesPerCampaign = 4;

    public static async Task<SeedFigures> SeedAsync(IRunStore store, int count, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var random = new Random(42);
        var start = end.AddDays(-365);
        var step = (end - start) / count;
        var latencies = new List<double>(count);
        var total = Stopwatch.StartNew();

        for (var c = 0; c < Companies; c++)
        {
            for (var k = -1; k < CampaignsPerCompany; k++)
            {
                await store.RecordAsync(Provision(start.AddMinutes(c * 10 + k + 1), Company(c), k < 0 ? null : Campaign(k)), cancellationToken);
            }
        }

        for (var i = 0; i < count; i++)
        {
            var at = start + step * i;
            var report = Ingest(random, at, i);
            var one = Stopwatch.GetTimestamp();
            await store.RecordAsync(report, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(one).TotalMilliseconds);
        }

        return new SeedFigures(count, total.Elapsed, Percentiles.Of(latencies));
    }

    public static string Company(int i) => $"company{i:00}";

    public static string Campaign(int i) => $"campaign{i}";

    public static string Device(int i) => $"0200{i:0000}";

    private static RunRecord Ingest(Random random, DateTimeOffset at, int index)
    {
        var company = random.Next(Companies);
        var campaign = random.Next(CampaignsPerCompany);
        var device = (company * CampaignsPerCompany + campaign) * DevicesPerCampaign + random.Next(DevicesPerCampaign);
        var roll = random.Next(100);
        var status = roll < 93 ? RunStatus.Success : roll < 97 ? RunStatus.Error : roll < 99 ? RunStatus.Deferred : RunStatus.Skipped;
        var channels = device % 10 == 0 ? 30 : 6;
        var lines = status == RunStatus.Success ? 100 + random.Next(50) : 0;
        return new RunRecord
        {
            Id = RunRecord.NewId(at),
            Kind = RunKind.Ingest,
            Trigger = index % 20 == 0 ? RunTrigger.Sweep : RunTrigger.Hook,
            Status = status,
            StartedAt = at,
            FinishedAt = at.AddMilliseconds(20 + random.Next(200)),
            Company = Company(company),
            Campaign = Campaign(campaign),
            DeviceMasterSn = Device(device),
            FileName = $"T302_{at:yyMMdd_HHmmss}.tsv",
            FilePath = $"{Company(company)}/{Campaign(campaign)}/{Device(device)}/T302_{at:yyMMdd_HHmmss}.tsv",
            Bucket = Company(company),
            Format = status == RunStatus.Success ? "MV_T302_V002" : null,
            Counters = new RunCounters
            {
                LinesTotal = lines,
                RowsIngested = lines,
                PointsWritten = lines * channels,
                ChannelCount = status == RunStatus.Success ? channels : 0,
            },
            TimeStart = status == RunStatus.Success ? at.AddDays(-1) : null,
            TimeEnd = status == RunStatus.Success ? at.AddMinutes(-5) : null,
            Error = status switch
            {
                RunStatus.Error => "line 2: unknown format 'MV_T999_V001' (known: MV_T202_V002, MV_T302_V002, MV_T302_V003)",
                RunStatus.Deferred => "InfluxDB unavailable, could not write 41233 bytes to bucket after 4 tries: network error: Connection refused",
                _ => null,
            },
            Message = status == RunStatus.Skipped ? "modified 3s ago; taken after 10s without change" : null,
            MovedTo = status switch
            {
                RunStatus.Success => $"{Company(company)}/{Campaign(campaign)}/{Device(device)}/parsed/T302_{at:yyMMdd_HHmmss}.tsv",
                RunStatus.Error => $"{Company(company)}/{Campaign(campaign)}/{Device(device)}/error/T302_{at:yyMMdd_HHmmss}.tsv",
                _ => null,
            },
            Metadata = status == RunStatus.Success
                ? new Dictionary<string, JsonElement> { ["MasterSN"] = JsonSerializer.SerializeToElement(Device(device)), ["MasterType"] = JsonSerializer.SerializeToElement("Tri") }
                : null,
            Channels = status != RunStatus.Success ? [] : [.. Enumerable.Range(0, channels).Select(ch => new ChannelSummary
            {
                ColumnIndex = ch + 1, ChannelId = $"{ch + 1}", Field = $"ch{ch + 1}", DeviceSn = Device(device), DeviceType = "T302",
                Label = $"M{ch + 1}", Name = $"P{ch % 3 + 1}", Unit = "W", Points = lines, Min = -12.5, Max = 4321.25, Mean = 1234.5,
            })],
        };
    }

    private static RunRecord Provision(DateTimeOffset at, string company, string? campaign) => new()
    {
        Id = RunRecord.NewId(at),
        Kind = RunKind.Provision,
        Trigger = RunTrigger.Hook,
        Status = RunStatus.Success,
        StartedAt = at,
        FinishedAt = at.AddMilliseconds(300),
        Company = company,
        Campaign = campaign,
        Step = campaign is null ? "company" : "campaign",
        Message = "Grafana folder, team, datasource and dashboard ensured",
    };
}

internal sealed record SeedFigures(int Runs, TimeSpan Elapsed, Percentiles PerInsert);
