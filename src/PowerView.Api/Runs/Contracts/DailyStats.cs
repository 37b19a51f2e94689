using System.ComponentModel;

namespace PowerView.Api.Runs.Contracts;

/// <summary>Ingestion totals of one UTC day.</summary>
internal sealed record DailyStats
{
    [Description("The UTC day (midnight).")]
    public DateTimeOffset Day { get; init; }

    public long Runs { get; init; }

    public long Successes { get; init; }

    public long Errors { get; init; }

    public long Deferred { get; init; }

    [Description("Points written by the day's runs.")]
    public long PointsWritten { get; init; }
}
