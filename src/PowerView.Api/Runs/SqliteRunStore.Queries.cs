using System.Text;
using Dapper;

namespace PowerView.Api.Runs;

/// <summary>The read side of the run store: the lists and summaries behind the monitoring API.</summary>
internal sealed partial class SqliteRunStore
{
    private const long DayMs = 86_400_000;

    public async Task<IReadOnlyList<RunSummary>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(SelectRun).Append(" FROM runs");
        var where = new Where(sql);
        where.In("company", "companies", query.Companies);
        where.In("campaign", "campaigns", query.Campaigns);
        where.In("device_master_sn", "devices", query.Devices);
        where.In("file_name", "files", query.Files);
        where.In("status", "statuses", query.Statuses);
        where.In("kind", "kinds", query.Kinds);
        where.Add(query.From is not null, "started_at >= @from");
        where.Add(query.To is not null, "started_at <= @to");
        // rowid breaks ties in the same millisecond (insertion order) and lets every started_at index serve the order.
        sql.Append(" ORDER BY started_at DESC, rowid DESC LIMIT @limit");

        var parameters = new
        {
            companies = query.Companies, campaigns = query.Campaigns, devices = query.Devices, files = query.Files,
            statuses = query.Statuses, kinds = query.Kinds,
            from = query.From?.ToUnixTimeMilliseconds(), to = query.To?.ToUnixTimeMilliseconds(), limit = query.Limit,
        };
        await using var db = Open();
        var rows = await db.QueryAsync<RunRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSummary()).ToList();
    }

    public async Task<IReadOnlyList<CampaignSummary>> ListCampaignsAsync(CampaignQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(SelectCampaign);
        var where = new Where(sql);
        where.In("c.company", "companies", query.Companies);
        where.In("c.campaign", "campaigns", query.Campaigns);
        sql.Append(" ORDER BY c.company, c.campaign");

        await using var db = Open();
        var rows = await db.QueryAsync<CampaignRow>(new CommandDefinition(sql.ToString(),
            new { companies = query.Companies, campaigns = query.Campaigns }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSummary()).ToList();
    }

    public async Task<CampaignDetail?> GetCampaignAsync(string company, string campaign, CancellationToken cancellationToken)
    {
        await using var db = Open();
        var parameters = new { company, campaign };
        var row = await db.QuerySingleOrDefaultAsync<CampaignRow>(new CommandDefinition(
            SelectCampaign + " WHERE c.company = @company AND c.campaign = @campaign", parameters, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var devices = await db.QueryAsync<DeviceRow>(new CommandDefinition(SelectDevices, parameters, cancellationToken: cancellationToken));
        return new CampaignDetail(row.ToSummary(), devices.Select(d => d.ToSummary()).ToList());
    }

    public async Task<IReadOnlyList<DailyStats>> DailyStatsAsync(DailyQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("""
            SELECT day AS Day, SUM(runs) AS Runs, SUM(successes) AS Successes, SUM(errors) AS Errors,
                SUM(deferred) AS Deferred, SUM(points) AS PointsWritten
            FROM daily WHERE day >= @from AND day <= @to
            """);
        var where = new Where(sql, started: true);
        where.In("company", "companies", query.Companies);
        where.In("campaign", "campaigns", query.Campaigns);
        sql.Append(" GROUP BY day ORDER BY day");

        await using var db = Open();
        var rows = await db.QueryAsync<DailyRow>(new CommandDefinition(sql.ToString(), new
        {
            from = DayOf(query.From), to = DayOf(query.To), companies = query.Companies, campaigns = query.Campaigns,
        }, cancellationToken: cancellationToken));
        return rows.Select(r => new DailyStats(Time(r.Day), r.Runs, r.Successes, r.Errors, r.Deferred, r.PointsWritten)).ToList();
    }

    /// <summary>Epoch milliseconds of the UTC midnight that starts the instant's day.</summary>
    private static long DayOf(DateTimeOffset instant)
    {
        var ms = instant.ToUnixTimeMilliseconds();
        return ms - (((ms % DayMs) + DayMs) % DayMs);
    }

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? Time(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    /// <summary>Appends <c>WHERE a AND b ...</c> clauses; an empty value list adds nothing (all).</summary>
    private sealed class Where(StringBuilder sql, bool started = false)
    {
        // Dapper expands "IN @p" into one parameter per value.
        public void In(string column, string parameter, IReadOnlyList<string> values) =>
            Add(values.Count > 0, $"{column} IN @{parameter}");

        public void Add(bool when, string condition)
        {
            if (when)
            {
                sql.Append(started ? " AND " : " WHERE ").Append(condition);
                started = true;
            }
        }
    }

    private const string SelectRun = """
        SELECT id AS Id, kind AS Kind, trigger AS Trigger, status AS Status, company AS Company, campaign AS Campaign,
            device_master_sn AS DeviceMasterSn, file_name AS FileName, started_at AS StartedAt, finished_at AS FinishedAt,
            duration_ms AS DurationMs, attempt AS Attempt, format AS Format, lines_total AS LinesTotal, lines_ignored AS LinesIgnored,
            invalid_timestamps AS InvalidTimestamps, invalid_values AS InvalidValues, truncated_lines AS TruncatedLines,
            points_written AS PointsWritten, time_start AS TimeStart, time_end AS TimeEnd, error AS Error, moved_to AS MovedTo,
            step AS Step, message AS Message
        """;

    private const string SelectCampaign = """
        SELECT c.company AS Company, c.campaign AS Campaign, c.last_run_id AS LastRunId, c.last_run_at AS LastRunAt,
            c.last_status AS LastStatus, c.last_success_at AS LastSuccessAt, c.last_success_file AS LastSuccessFile,
            c.last_error_at AS LastErrorAt, c.last_error AS LastError, c.last_error_file AS LastErrorFile,
            c.runs AS Runs, c.errors AS Errors, c.points AS PointsWritten,
            (SELECT COUNT(*) FROM devices d WHERE d.company = c.company AND d.campaign = c.campaign) AS DeviceCount
        FROM campaigns c
        """;

    private const string SelectDevices = """
        SELECT device_master_sn AS DeviceMasterSn, last_file AS LastFile, last_run_id AS LastRunId, last_run_at AS LastRunAt,
            last_status AS LastStatus, last_success_at AS LastSuccessAt, last_error_at AS LastErrorAt, last_error AS LastError,
            runs AS Runs, errors AS Errors
        FROM devices WHERE company = @company AND campaign = @campaign ORDER BY device_master_sn
        """;

    // Dapper targets: SQLite keeps times as epoch milliseconds.
    private sealed class RunRow
    {
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Trigger { get; set; } = "";
        public string Status { get; set; } = "";
        public string? Company { get; set; }
        public string? Campaign { get; set; }
        public string? DeviceMasterSn { get; set; }
        public string? FileName { get; set; }
        public long StartedAt { get; set; }
        public long FinishedAt { get; set; }
        public long DurationMs { get; set; }
        public long Attempt { get; set; }
        public string? Format { get; set; }
        public long LinesTotal { get; set; }
        public long LinesIgnored { get; set; }
        public long InvalidTimestamps { get; set; }
        public long InvalidValues { get; set; }
        public long TruncatedLines { get; set; }
        public long PointsWritten { get; set; }
        public long? TimeStart { get; set; }
        public long? TimeEnd { get; set; }
        public string? Error { get; set; }
        public string? MovedTo { get; set; }
        public string? Step { get; set; }
        public string? Message { get; set; }

        public RunSummary ToSummary() => new(Id, Kind, Trigger, Status, Company, Campaign, DeviceMasterSn, FileName,
            Time(StartedAt), Time(FinishedAt), DurationMs, (int)Attempt, Format, LinesTotal, LinesIgnored, InvalidTimestamps,
            InvalidValues, TruncatedLines, PointsWritten, Time(TimeStart), Time(TimeEnd), Error, MovedTo, Step, Message);
    }

    private sealed class CampaignRow
    {
        public string Company { get; set; } = "";
        public string Campaign { get; set; } = "";
        public string? LastRunId { get; set; }
        public long? LastRunAt { get; set; }
        public string? LastStatus { get; set; }
        public long? LastSuccessAt { get; set; }
        public string? LastSuccessFile { get; set; }
        public long? LastErrorAt { get; set; }
        public string? LastError { get; set; }
        public string? LastErrorFile { get; set; }
        public long Runs { get; set; }
        public long Errors { get; set; }
        public long PointsWritten { get; set; }
        public long DeviceCount { get; set; }

        public CampaignSummary ToSummary() => new(Company, Campaign, LastRunId, Time(LastRunAt), LastStatus, Time(LastSuccessAt),
            LastSuccessFile, Time(LastErrorAt), LastError, LastErrorFile, Runs, Errors, PointsWritten, DeviceCount);
    }

    private sealed class DeviceRow
    {
        public string DeviceMasterSn { get; set; } = "";
        public string? LastFile { get; set; }
        public string? LastRunId { get; set; }
        public long? LastRunAt { get; set; }
        public string? LastStatus { get; set; }
        public long? LastSuccessAt { get; set; }
        public long? LastErrorAt { get; set; }
        public string? LastError { get; set; }
        public long Runs { get; set; }
        public long Errors { get; set; }

        public DeviceSummary ToSummary() => new(DeviceMasterSn, LastFile, LastRunId, Time(LastRunAt), LastStatus,
            Time(LastSuccessAt), Time(LastErrorAt), LastError, Runs, Errors);
    }

    private sealed class DailyRow
    {
        public long Day { get; set; }
        public long Runs { get; set; }
        public long Successes { get; set; }
        public long Errors { get; set; }
        public long Deferred { get; set; }
        public long PointsWritten { get; set; }
    }
}
