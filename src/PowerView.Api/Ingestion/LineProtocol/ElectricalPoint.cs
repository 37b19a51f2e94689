using System.Text;
using PowerView.Api.Ingestion.Tsv;

namespace PowerView.Api.Ingestion.LineProtocol;

/// <summary>
/// The measurement <c>electrical</c> (contract §4): one float field per point, tags sorted by key as
/// InfluxDB recommends. Each channel's line start (measurement, tags, field key, '=') is built once per
/// file, validated and escaped; only the value and the timestamp change from point to point.
/// </summary>
internal static class ElectricalPoint
{
    public const string Measurement = "electrical";

    /// <summary>Builds the UTF-8 line start of every channel, or throws <see cref="UnsafeNameException"/>.</summary>
    public static byte[][] BuildPrefixes(IReadOnlyList<Channel> channels, string campaign, string masterSn, string deviceModel)
    {
        var campaignTag = LineProtocolText.EscapeKey(campaign, "campaign folder name");
        var masterTag = LineProtocolText.EscapeKey(masterSn, "master serial number");
        var deviceTag = LineProtocolText.EscapeKey(deviceModel, "device model");
        var prefixes = new byte[channels.Count][];
        for (var i = 0; i < channels.Count; i++)
        {
            var c = channels[i];
            var column = $" (column {c.ColumnIndex})";
            var sb = new StringBuilder(256)
                .Append(Measurement)
                .Append(",campaign=").Append(campaignTag)
                .Append(",channel_id=").Append(LineProtocolText.EscapeKey(c.ChannelId, "channel id" + column))
                .Append(",channel_label=").Append(LineProtocolText.EscapeKey(c.Label, "channel label" + column))
                .Append(",channel_name=").Append(LineProtocolText.EscapeKey(c.Name, "channel name" + column));
            if (c.Unit.Length > 0)
            {
                sb.Append(",channel_unit=").Append(LineProtocolText.EscapeKey(c.Unit, "channel unit" + column));
            }

            sb.Append(",device=").Append(deviceTag)
                .Append(",device_master_sn=").Append(masterTag)
                .Append(",device_sn=").Append(LineProtocolText.EscapeKey(c.DeviceSn, "device serial number" + column));
            if (c.DeviceSubtype is not null)
            {
                sb.Append(",device_subtype=").Append(c.DeviceSubtype);
            }

            sb.Append(",device_type=").Append(c.DeviceType)
                .Append(' ').Append(LineProtocolText.EscapeKey(c.FieldKey, "field key" + column)).Append('=');
            prefixes[i] = Encoding.UTF8.GetBytes(sb.ToString());
        }

        return prefixes;
    }
}
