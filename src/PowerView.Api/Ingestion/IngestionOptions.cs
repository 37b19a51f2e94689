using Microsoft.Extensions.Options;

namespace PowerView.Api.Ingestion;

/// <summary>Section <c>Ingestion</c>: when the sweep takes a file that received no event (contract §5).</summary>
internal sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>A complete-looking file is taken once unmodified for this long.</summary>
    public int SettleSeconds { get; set; } = 10;

    /// <summary>An incomplete-looking file (V003 without END_DATA, last line without newline) waits this long.</summary>
    public int IncompleteGraceSeconds { get; set; } = 600;

    public int SweepIntervalSeconds { get; set; } = 60;
}

internal sealed class IngestionOptionsValidation : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions o)
    {
        var errors = new List<string>();
        if (o.SettleSeconds < 0)
        {
            errors.Add("Ingestion:SettleSeconds must be 0 or more");
        }

        if (o.IncompleteGraceSeconds < o.SettleSeconds)
        {
            errors.Add("Ingestion:IncompleteGraceSeconds must be at least Ingestion:SettleSeconds");
        }

        if (o.SweepIntervalSeconds < 1)
        {
            errors.Add("Ingestion:SweepIntervalSeconds must be 1 or more");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
