using System.Text;
using Dapper;
using PowerView.Api.Runs.Contracts;

namespace PowerView.Api.Runs.Storage;

/// <summary>The read side of the run store: the lists and summaries behind the monitoring API, read into the answers.</summary>
internal sealed partial class SqliteRunStore
{
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
            statuses = query.Statuses.Select(s => s.Wire()).ToList(), kinds = query.Kinds.Select(k => k.Wire()).ToList(),
            from = query.From?.ToUnixTimeMilliseconds(), to = query.To?.ToUnixTimeMilliseconds(), limit = query.Limit,
        };
        await using var db = Open();
        var rows = await db.QueryAsync<RunSummary>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<CampaignSummary>> ListCampaignsAsync(CampaignQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(SelectCampaign);
        var where = new Where(sql);
        where.In("c.company", "companies", query.Companies);
        where.In("c.campaign", "campaigns", query.Campaigns);
        sql.Append(" ORDER BY c.company, c.campaign");

        await using var db = Open();
        var rows = await db.QueryAsync<CampaignSummary>(new CommandDefinition(sql.ToString(),
            new { companies = query.Companies, campaigns = query.Campaigns }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<CampaignDetail?> GetCampaignAsync(string company, string campaign, CancellationToken cancellationToken)
    {
        await using var db = Open();
        var parameters = new { company, campaign };
        var row = await db.QuerySingleOrDefaultAsync<CampaignSummary>(new CommandDefinition(
            SelectCampaign + " WHERE c.company = @company AND c.campaign = @campaign", parameters, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var devices = await db.QueryAsync<DeviceSummary>(new CommandDefinition(SelectDevices, parameters, cancellationToken: cancellationToken));
        return new CampaignDetail(row, devices.AsList());
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
        var rows = await db.QueryAsync<DailyStats>(new CommandDefinition(sql.ToString(), new
        {
            from = RunColumns.DayOf(query.From).ToUnixTimeMilliseconds(),
            to = RunColumns.DayOf(query.To).ToUnixTimeMilliseconds(),
            companies = query.Companies,
            campaigns = query.Campaigns,
        }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Appends <c>WHERE a AND b ...</c> clauses; an empty value list adds nothing (all).</summary>
    private sealed class Where(StringBuilder sql, bool started = false)
    {
        // Dapper expands "IN @p" into one parameter per value.
        public void In<T>(string column, string parameter, IReadOnlyList<T> values) =>
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
            duration_ms AS DurationMs, attempt AS Attempt, format AS Format, lines_total AS LinesTotal, rows_ingested AS RowsIngested,
            invalid_timestamps AS InvalidTimestamps, clock_not_set_rows AS ClockNotSetRows, invalid_values AS InvalidValues, truncated_lines AS TruncatedLines,
            points_written AS PointsWritten, channel_count AS ChannelCount, write_retries AS WriteRetries, time_start AS TimeStart, time_end AS TimeEnd,
            error AS Error, moved_to AS MovedTo, step AS Step, message AS Message
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
}
