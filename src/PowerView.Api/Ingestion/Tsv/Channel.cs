namespace PowerView.Api.Ingestion.Tsv;

/// <summary>One measured column of a file (contract §2) and the tags its points carry.</summary>
internal sealed record Channel(
    int ColumnIndex,
    string DeviceSn,
    bool IsMaster,
    string? DeviceSubtype,
    string Label,
    string Name,
    string Unit,
    string ChannelId)
{
    public string DeviceType => IsMaster ? "master" : "slave";

    /// <summary>The InfluxDB field key: <c>&lt;channel_id&gt;_&lt;unit&gt;</c> (ends with '_' when the unit is empty).</summary>
    public string FieldKey => $"{ChannelId}_{Unit}";
}
