namespace PowerView.Api.Configuration;

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
