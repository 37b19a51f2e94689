namespace PowerView.Api.Ingestion.Tsv;

/// <summary>
/// Turns the wall-clock times of a file into UTC epoch seconds. Files are UTC (contract §3) unless V003
/// metadata says <c>DataTimeSettings</c> is not UTC and names a valid IANA <c>TimeZoneName</c>.
/// <para>
/// Daylight-saving edges in local files (docs/ingestion.md):
/// a repeated hour (autumn) is read as its first occurrence, except when the previous row is already
/// past it: rows are chronological, so a clock that went back an hour is in the second occurrence.
/// A skipped hour (spring) cannot be shown by a clock that follows the zone, so it comes from a clock
/// that has not jumped yet: it is read with the offset in force before the jump.
/// </para>
/// </summary>
internal sealed class DeviceClock
{
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    private readonly TimeZoneInfo? _zone;
    private long _previous = long.MinValue;

    private DeviceClock(TimeZoneInfo? zone) => _zone = zone;

    public static DeviceClock Utc { get; } = new(null);

    /// <summary>The zone the file's times are read in ("UTC" or an IANA id).</summary>
    public string ZoneId => _zone?.Id ?? "UTC";

    public static DeviceClock For(FileMetadata metadata, ICollection<string> warnings)
    {
        var settings = metadata.DataTimeSettings?.Trim();
        if (settings is null || settings.Equals("UTC", StringComparison.OrdinalIgnoreCase))
        {
            return Utc;
        }

        var zoneName = metadata.TimeZoneName?.Trim();
        if (!string.IsNullOrEmpty(zoneName)
            && TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone)
            && zone.HasIanaId)
        {
            // A fresh clock per file: it remembers the previous row to place repeated hours.
            return new DeviceClock(zone);
        }

        warnings.Add($"DataTimeSettings is '{settings}' but TimeZoneName '{zoneName}' is not a known IANA zone: times read as UTC");
        return Utc;
    }

    public long ToEpochSeconds(DateTime wallClock)
    {
        var wallSeconds = (wallClock.Ticks - UnixEpochTicks) / TimeSpan.TicksPerSecond;
        if (_zone is null)
        {
            return wallSeconds;
        }

        long result;
        if (_zone.IsAmbiguousTime(wallClock))
        {
            var offsets = _zone.GetAmbiguousTimeOffsets(wallClock);
            var first = wallSeconds - (long)offsets.Max().TotalSeconds;
            var second = wallSeconds - (long)offsets.Min().TotalSeconds;
            result = _previous > first ? second : first;
        }
        else if (_zone.IsInvalidTime(wallClock))
        {
            var before = _zone.GetUtcOffset(wallClock.AddHours(-3));
            result = wallSeconds - (long)before.TotalSeconds;
        }
        else
        {
            result = wallSeconds - (long)_zone.GetUtcOffset(wallClock).TotalSeconds;
        }

        _previous = result;
        return result;
    }
}
