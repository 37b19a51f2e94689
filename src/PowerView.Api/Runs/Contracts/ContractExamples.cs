namespace PowerView.Api.Runs.Contracts;

/// <summary>
/// The examples of the OpenAPI document: the run of the README's walkthrough (the company1 sample, 143 rows of a
/// tri-phase master and four slaves) as the API answers it.
/// </summary>
internal static class ContractExamples
{
    private static readonly DateTimeOffset Started = new(2026, 1, 5, 10, 0, 0, 120, TimeSpan.Zero);

    private static readonly RunRecord Run = new()
    {
        Id = "019b8d0e6a4873c0a5b5f1c2d3e4f506",
        Kind = RunKind.Ingest,
        Trigger = RunTrigger.Hook,
        Status = RunStatus.Success,
        Company = "company1",
        Campaign = "campaign1",
        DeviceMasterSn = "02001171",
        FileName = "T302_251012_031720.tsv",
        FilePath = "company1/campaign1/02001171/T302_251012_031720.tsv",
        MovedTo = "company1/campaign1/02001171/parsed/T302_251012_031720.tsv",
        StartedAt = Started,
        FinishedAt = Started.AddMilliseconds(38),
        Format = "MV_T302_V002",
        Bucket = "company1",
        FileMasterSn = "02001171",
        TimeZone = "Europe/Paris",
        Counters = new RunCounters { LinesTotal = 143, RowsIngested = 143, PointsWritten = 4290, ChannelCount = 30 },
        TimeStart = new DateTimeOffset(2025, 8, 3, 1, 20, 0, TimeSpan.Zero),
        TimeEnd = new DateTimeOffset(2025, 8, 4, 1, 0, 0, TimeSpan.Zero),
        Channels =
        [
            new ChannelSummary
            {
                ColumnIndex = 1, ChannelId = "M02001171_U1", Field = "M02001171_U1_V", DeviceSn = "02001171", DeviceType = "master",
                DeviceSubtype = "tri", Label = "U1", Name = "Ph 1", Unit = "V", Points = 143, Min = 238.89, Max = 245.4, Mean = 242.5737,
            },
        ],
    };

    public static RunSummary Summary { get; } = RunSummary.From(Run);

    public static RunDetail Detail { get; } = RunDetail.From(Run);

    public static CampaignSummary Campaign { get; } = new()
    {
        Company = "company1",
        Campaign = "campaign1",
        LastRunId = Run.Id,
        LastRunAt = Started,
        LastStatus = RunStatus.Success,
        LastSuccessAt = Started,
        LastSuccessFile = Run.FileName,
        LastErrorAt = Started.AddDays(-2),
        LastError = "unsupported format marker 'MV_X999_V001' (known: MV_T202_V002, MV_T302_V002, MV_T302_V003)",
        LastErrorFile = "T302_251010_031720.tsv",
        Runs = 12,
        Errors = 1,
        PointsWritten = 47190,
        DeviceCount = 1,
        SecondsSinceLastSuccess = 3600,
    };

    public static CampaignDetail CampaignWithDevices { get; } = new(Campaign,
    [
        new DeviceSummary
        {
            DeviceMasterSn = "02001171", LastFile = Run.FileName, LastRunId = Run.Id, LastRunAt = Started, LastStatus = RunStatus.Success,
            LastSuccessAt = Started, LastErrorAt = Started.AddDays(-2), LastError = Campaign.LastError, Runs = 12, Errors = 1,
        },
    ]);

    public static DailyStats Day { get; } = new()
    {
        Day = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero),
        Runs = 24,
        Successes = 23,
        Errors = 1,
        Deferred = 0,
        PointsWritten = 98670,
    };
}
