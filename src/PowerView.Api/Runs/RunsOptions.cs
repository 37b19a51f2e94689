using Microsoft.Extensions.Options;
using Npgsql;

namespace PowerView.Api.Runs;

/// <summary>Section <c>Runs</c>: where the monitoring history is kept, and how long.</summary>
internal sealed class RunsOptions
{
    public const string SectionName = "Runs";

    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";

    /// <summary>The connection string of the PostgreSQL run store (<c>ConnectionStrings:Runs</c>).</summary>
    public const string ConnectionStringName = "Runs";

    /// <summary>
    /// <c>Sqlite</c>: one file under the state folder, for one instance. <c>PostgreSql</c>: a database several
    /// instances share (<c>ConnectionStrings:Runs</c>; Hangfire's database is fine, the store keeps to its own schema).
    /// </summary>
    public string Storage { get; set; } = Sqlite;

    /// <summary>
    /// Runs (store rows and JSON reports) older than this many days are deleted; 0 keeps them forever.
    /// A year by default: enough to compare with the same season last year, and the store stays a few
    /// hundred megabytes for a busy installation instead of growing for as long as the service runs.
    /// </summary>
    public int RetentionDays { get; set; } = 365;

    public bool IsPostgreSql => Storage.Equals(PostgreSql, StringComparison.OrdinalIgnoreCase);
}

internal sealed class RunsOptionsValidation(IConfiguration configuration) : IValidateOptions<RunsOptions>
{
    public ValidateOptionsResult Validate(string? name, RunsOptions o)
    {
        var errors = new List<string>();
        if (!o.IsPostgreSql && !o.Storage.Equals(RunsOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Runs:Storage must be Sqlite or PostgreSql (got '{o.Storage}')");
        }

        if (o.IsPostgreSql)
        {
            var connectionString = configuration.GetConnectionString(RunsOptions.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                errors.Add("ConnectionStrings:Runs is required when Runs:Storage is PostgreSql");
            }
            else if (ParseProblem(connectionString) is { } problem)
            {
                // The message of Npgsql's parser names the keyword, never the value (a password stays out of the log).
                errors.Add($"ConnectionStrings:Runs is not a PostgreSQL connection string: {problem}");
            }
        }

        if (o.RetentionDays is < 0 or > 36_500)
        {
            errors.Add("Runs:RetentionDays must be between 0 (keep forever) and 36500");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string? ParseProblem(string connectionString)
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(parsed.Host) ? "no Host" : null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }
}
