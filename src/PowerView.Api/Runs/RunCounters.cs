using System.ComponentModel;

namespace PowerView.Api.Runs;

/// <summary>
/// What a run counted in its file (contract §3). One record for the run, its report, the store, the API rows and the
/// CLI summary; the answers that show counters inherit it, so they are flat JSON with these keys.
/// </summary>
internal record RunCounters
{
    public static readonly RunCounters None = new();

    [Description("Non-blank data lines, the cut last line included.")]
    public long LinesTotal { get; init; }

    [Description("Data lines whose values were read (valid timestamp, complete line).")]
    public long RowsIngested { get; init; }

    [Description("Data lines skipped for their timestamp.")]
    public long InvalidTimestamps { get; init; }

    [Description("Data lines dated before Ingestion:EarliestValidTime (a logger whose clock was lost restarts in 2020): skipped.")]
    public long ClockNotSetRows { get; init; }

    [Description("Cells that were not a finite decimal, or missing from a short row: not written.")]
    public long InvalidValues { get; init; }

    [Description("A final line without a line end (an interrupted upload): never ingested.")]
    public long TruncatedLines { get; init; }

    public long PointsWritten { get; init; }

    [Description("Channels (value columns) of the file.")]
    public int ChannelCount { get; init; }

    [Description("Write requests the sink was sent again (InfluxDB busy or unreachable: 429, 5xx, network) during the run, whatever its outcome; 0 when every write was accepted at once.")]
    public int WriteRetries { get; init; }

    /// <remarks>
    /// Clock-not-set rows count here too: like the others they gave no point, and so
    /// <c>linesTotal = rowsIngested + linesIgnored</c> holds for every run.
    /// </remarks>
    [Description("Data lines that gave no point: invalid timestamp, clock not set, or cut last line.")]
    public long LinesIgnored => InvalidTimestamps + ClockNotSetRows + TruncatedLines;
}
