using System.Text.RegularExpressions;

namespace PowerView.Api.Ingestion.Tsv;

/// <summary>
/// A device export format, recognised by the marker in cell 0 of format line B. The formats known today
/// share one layout (contract §2); a new one is a subclass that overrides what differs, plus one line in
/// <see cref="FormatRegistry"/>.
/// </summary>
internal abstract partial class TsvFormat
{
    /// <summary>The marker as written in cell 0 of line B (case-sensitive).</summary>
    public abstract string Marker { get; }

    /// <summary>Value of the <c>device</c> tag.</summary>
    public virtual string DeviceModel => "MV2";

    /// <summary>
    /// Maps format lines A (serial numbers) and B (names and units) to channels, one per column 1..n of
    /// line A. Throws <see cref="FileRejectedException"/> when the lines cannot describe channels.
    /// </summary>
    public virtual IReadOnlyList<Channel> MapChannels(
        IReadOnlyList<string> lineA, IReadOnlyList<string> lineB, FileMetadata metadata)
    {
        if (lineA.Count < 2)
        {
            throw new FileRejectedException("format line A has no channel column (it needs the master serial number and at least one column)");
        }

        if (lineB.Count < lineA.Count)
        {
            throw new FileRejectedException(
                $"format line B has {lineB.Count} cells but line A has {lineA.Count}: every column needs a name and unit");
        }

        var master = lineA[0].Trim();
        if (master.Length == 0)
        {
            throw new FileRejectedException("format line A has no master serial number in cell 0");
        }

        var subtype = Subtype(lineB, metadata);
        var perDevice = new Dictionary<string, int>(StringComparer.Ordinal);
        var channels = new List<Channel>(lineA.Count - 1);
        for (var i = 1; i < lineA.Count; i++)
        {
            var deviceSn = lineA[i].Trim();
            if (deviceSn.Length == 0)
            {
                throw new FileRejectedException($"format line A has an empty serial number in column {i}");
            }

            var isMaster = deviceSn == master;
            var k = perDevice[deviceSn] = perDevice.GetValueOrDefault(deviceSn) + 1;
            var label = Label(isMaster, subtype, k);
            var (name, unit) = SplitNameAndUnit(lineB[i]);
            if (name.Length == 0)
            {
                throw new FileRejectedException($"format line B has an empty channel name in column {i}");
            }

            var channelId = isMaster ? $"M{master}_{label}" : $"M{master}_S{deviceSn}_{label}";
            channels.Add(new Channel(i, deviceSn, isMaster, isMaster ? subtype : null, label, name, unit, channelId));
        }

        return channels;
    }

    /// <summary><c>tri</c> or <c>mono</c>: the metadata's MasterType when it says so, else the phase labels of line B.</summary>
    protected virtual string Subtype(IReadOnlyList<string> lineB, FileMetadata metadata)
    {
        var declared = metadata.MasterType?.Trim();
        if (string.Equals(declared, "tri", StringComparison.OrdinalIgnoreCase))
        {
            return "tri";
        }

        if (string.Equals(declared, "mono", StringComparison.OrdinalIgnoreCase))
        {
            return "mono";
        }

        bool Has(Regex phase) => lineB.Skip(1).Any(cell => phase.IsMatch(cell.Trim()));
        return Has(Phase1()) && Has(Phase2()) && Has(Phase3()) ? "tri" : "mono";
    }

    /// <summary>Positional labels, counted per device: master tri U1 U2 U3 Ch1…, master mono U1 Ch1…, slave Ch1….</summary>
    protected virtual string Label(bool isMaster, string subtype, int k)
    {
        if (!isMaster)
        {
            return $"Ch{k}";
        }

        var voltages = subtype == "tri" ? 3 : 1;
        return k <= voltages ? $"U{k}" : $"Ch{k - voltages}";
    }

    /// <summary>Splits a line-B cell at its last space: <c>Ph 1 V</c> → (<c>Ph 1</c>, <c>V</c>); no space → (cell, "").</summary>
    internal static (string Name, string Unit) SplitNameAndUnit(string cell)
    {
        var space = cell.LastIndexOf(' ');
        return space < 0 ? (cell.Trim(), "") : (cell[..space].Trim(), cell[(space + 1)..].Trim());
    }

    [GeneratedRegex(@"^Ph\s*1\b")]
    private static partial Regex Phase1();

    [GeneratedRegex(@"^Ph\s*2\b")]
    private static partial Regex Phase2();

    [GeneratedRegex(@"^Ph\s*3\b")]
    private static partial Regex Phase3();
}
