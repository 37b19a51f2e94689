namespace PowerView.Api.Runs;

/// <summary>One channel of a file in its run's report: its identity and the finite values written.</summary>
internal sealed record ChannelSummary
{
    public required int ColumnIndex { get; init; }

    public required string ChannelId { get; init; }

    /// <summary>The InfluxDB field key.</summary>
    public required string Field { get; init; }

    public required string DeviceSn { get; init; }

    public required string DeviceType { get; init; }

    public string? DeviceSubtype { get; init; }

    public required string Label { get; init; }

    public required string Name { get; init; }

    public required string Unit { get; init; }

    public long Points { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    public double? Mean { get; init; }
}
