using Microsoft.Extensions.Options;

namespace PowerView.Api.Runs;

/// <summary>Section <c>Runs</c>: how long the monitoring history is kept.</summary>
internal sealed class RunsOptions
{
    public const string SectionName = "Runs";

    /// <summary>
    /// Runs (store rows and JSON reports) older than this many days are deleted; 0 keeps them forever.
    /// A year by default: enough to compare with the same season last year, and the store stays a few
    /// hundred megabytes for a busy installation instead of growing for as long as the service runs.
    /// </summary>
    public int RetentionDays { get; set; } = 365;
}

internal sealed class RunsOptionsValidation : IValidateOptions<RunsOptions>
{
    public ValidateOptionsResult Validate(string? name, RunsOptions o) =>
        o.RetentionDays is < 0 or > 36_500
            ? ValidateOptionsResult.Fail("Runs:RetentionDays must be between 0 (keep forever) and 36500")
            : ValidateOptionsResult.Success;
}
