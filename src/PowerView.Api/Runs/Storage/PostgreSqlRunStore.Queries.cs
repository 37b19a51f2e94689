using System.Globalization;
using System.Text;
using Dapper;
using PowerView.Api.Runs.Contracts;

namespace PowerView.Api.Runs.Storage;

/// <summary>The read side: SQLite's queries in PostgreSQL's spelling (arrays for lists, timestamptz for times).</summary>
internal sealed partial class PostgreSqlRunStore
{
    /// <summary>Rows deleted per statement: each is its own short transaction, so runs recorded meanwhile never wait for a whole purge.</summary>
    internal const int DeleteBatchSize = 1000;

    public async Task<IReadOnlyList<RunSummary>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(SelectRun).Append(" FROM runs");
        var where = new Where(sql);
        where.Any("company", "companies", query.Companies);
        where.Any("campaign", "campaigns", query.Campaigns);
        where.Any("device_master_sn", "devices", query.Devices);
        where.Any("file_name", "files", query.Files);
        where.Any("status", "statuses", query.Statuses);
        where.Any("kind", "kinds", query.Kinds);
        where.Add(query.From is not null, "started_at >= @from");
        where.Add(query.To is not null, "started_at <= @to");
        // seq breaks ties in the same microsecond (insertion order) and lets every started_at index serve the order.
        sql.Append(" ORDER BY started_at DESC, seq DESC LIMIT @limit");

        var parameters = new
        {
            companies = query.Companies.ToArray(), campaigns = query.Campaigns.ToArray(), devices = query.Devices.ToArray(), files = query.Files.ToArray(),
            statuses = query.Statuses.Select(s => s.Wire()).ToArray(), kinds = query.Kinds.Select(k => k.Wire()).ToArray(),
            from = query.From?.UtcDateTime, to = query.To?.UtcDateTime, limit = query.Limit,
        };
        await using var db = await _data.OpenConnectionAsync(cancellationToken);
        var rows = await db.QueryAsync<RunSummary>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<CampaignSummary>> ListCampaignsAsync(CampaignQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(SelectCampaign);
        var where = new Where(sql);
        where.Any("c.company", "companies", query.Companies);
        where.Any("c.campaign", "campaigns", query.Campaigns);
        // COLLATE "C": the order SQLite gives (by code point), whatever the database's collation.
        sql.Append(" ORDER BY c.company COLLATE \"C\", c.campaign COLLATE \"C\"");

        await using var db = await _data.OpenConnectionAsync(cancellationToken);
        var rows = await db.QueryAsync<CampaignSummary>(new CommandDefinition(sql.ToString(),
            new { companies = query.Companies.ToArray(), campaigns = query.Campaigns.ToArray() }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<CampaignDetail?> GetCampaignAsync(string company, string campaign, CancellationToken cancellationToken)
    {
        await using var db = await _data.OpenConnectionAsync(cancellationToken);
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
        // SUM of bigint is numeric in PostgreSQL: cast back, the answers are longs.
        var sql = new StringBuilder("""
            SELECT day AS Day, SUM(runs)::bigint AS Runs, SUM(successes)::bigint AS Successes, SUM(errors)::bigint AS Errors,
                SUM(deferred)::bigint AS Deferred, SUM(points)::bigint AS PointsWritten
            FROM daily WHERE day >= @from AND day <= @to
            """);
        var where = new Where(sql, started: true);
        where.Any("company", "companies", query.Companies);
        where.Any("campaign", "campaigns", query.Campaigns);
        sql.Append(" GROUP BY day ORDER BY day");

        await using var db = await _data.OpenConnectionAsync(cancellationToken);
        var rows = await db.QueryAsync<DailyStats>(new CommandDefinition(sql.ToString(), new
        {
            from = RunColumns.DayOf(query.From).UtcDateTime,
            to = RunColumns.DayOf(query.To).UtcDateTime,
            companies = query.Companies.ToArray(),
            campaigns = query.Campaigns.ToArray(),
        }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<int> DeleteRunsStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var db = await _data.OpenConnectionAsync(cancellationToken);
            // Walks ix_runs_started from the oldest run.
            var deleted = await db.ExecuteAsync(new CommandDefinition(
                "DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE started_at < @cutoff ORDER BY started_at LIMIT @batch)",
                new { cutoff = cutoff.UtcDateTime, batch = DeleteBatchSize }, cancellationToken: cancellationToken));
            total += deleted;
            if (deleted < DeleteBatchSize)
            {
                return total;
            }
        }
    }

    /// <summary>Appends <c>WHERE a AND b ...</c> clauses; an empty value list adds nothing (all).</summary>
    private sealed class Where(StringBuilder sql, bool started = false)
    {
        // Npgsql takes a list as one array parameter (Dapper does not expand it for PostgreSQL).
        public void Any<T>(string column, string parameter, IReadOnlyList<T> values) =>
            Add(values.Count > 0, $"{column} = ANY(@{parameter})");

        public void Add(bool when, string condition)
        {
            if (when)
            {
                sql.Append(started ? " AND " : " WHERE ").Append(condition);
                started = true;
            }
        }
    }

    /// <summary>
    /// The columns of <see cref="RunColumns"/> that a list row shows (not the report, the file path, the bucket, nor
    /// lines_ignored, which the row computes), named as the row's properties (<c>device_master_sn</c> →
    /// <c>DeviceMasterSn</c>): a counter added to the mapping is listed without touching this query.
    /// </summary>
    private static readonly string SelectRun = "SELECT " + string.Join(", ", RunColumns.Runs
        .Where(c => c.Name is not ("report" or "file_path" or "bucket" or "lines_ignored"))
        .Select(c => $"{c.Name} AS {PropertyName(c.Name)}"));

    private static string PropertyName(string column) =>
        string.Concat(column.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..].ToLower(CultureInfo.InvariantCulture)));

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
        FROM devices WHERE company = @company AND campaign = @campaign ORDER BY device_master_sn COLLATE "C"
        """;
}
