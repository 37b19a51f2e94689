using NodaTime;
using NodaTime.TimeZones;

namespace PowerView.Api.Ingestion.Tsv;

/// <summary>
/// How one file's rows are dated when its header does not say: the zone configured for its company and campaign
/// (<see cref="ZoneSource"/> names the key it came from) and the earliest believable instant.
/// </summary>
internal sealed record ClockSettings(DateTimeZone Zone, string ZoneSource, long EarliestValidEpoch);

/// <summary>
/// Turns the wall-clock times of a file into UTC epoch seconds (contract §3). A file whose header has a non-empty
/// <c>DataTimeSettings</c> says itself: <c>UTC</c>, or local time in its <c>TimeZoneName</c>. Every other file (plain
/// V002 and T202 exports) is the logger's local time in the zone configured for it. Zone rules come from NodaTime's
/// embedded TZDB, never from the host's tzdata.
/// <para>
/// Daylight-saving edges (docs/ingestion.md): a repeated hour (autumn) is read as its first occurrence, except when
/// the previous row is already past it: rows are chronological, so a clock that went back an hour is in the second
/// occurrence. A skipped hour (spring) cannot be shown by a clock that follows the zone, so it comes from a clock
/// that has not jumped yet: it is read with the offset in force before the jump.
/// </para>
/// </summary>
internal sealed class DeviceClock
{
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    private readonly DateTimeZone _zone;
    private long _previous = long.MinValue;

    // Wall-clock seconds in [_safeFrom, _safeTo) read unambiguously with _safeOffset: nearly every row of a file falls
    // in the same zone interval, so it costs two comparisons and a subtraction, and no lookup (which allocates).
    private long _safeFrom = long.MaxValue;
    private long _safeTo = long.MinValue;
    private long _safeOffset;

    private DeviceClock(DateTimeZone zone, string source)
    {
        _zone = zone;
        Source = source;
    }

    /// <summary>The zone the file's times are read in ("UTC" or an IANA id).</summary>
    public string ZoneId => _zone.Id;

    /// <summary>What decided the zone: <c>header</c>, or the configuration key.</summary>
    public string Source { get; }

    /// <summary>A fresh clock per file: it remembers the previous row to place repeated hours.</summary>
    public static DeviceClock For(FileMetadata metadata, ClockSettings settings, ICollection<string> warnings)
    {
        var declared = metadata.DataTimeSettings?.Trim();
        if (string.IsNullOrEmpty(declared))
        {
            return new DeviceClock(settings.Zone, settings.ZoneSource);
        }

        if (declared.Equals("UTC", StringComparison.OrdinalIgnoreCase))
        {
            return new DeviceClock(DateTimeZone.Utc, "header");
        }

        var zoneName = metadata.TimeZoneName?.Trim();
        if (LocalTimeZones.Find(zoneName) is { } zone)
        {
            return new DeviceClock(zone, "header");
        }

        warnings.Add($"DataTimeSettings is '{declared}' but TimeZoneName '{zoneName}' is not a known IANA zone: times read as UTC");
        return new DeviceClock(DateTimeZone.Utc, "header");
    }

    public long ToEpochSeconds(DateTime wallClock)
    {
        var wall = (wallClock.Ticks - UnixEpochTicks) / TimeSpan.TicksPerSecond;
        var result = wall >= _safeFrom && wall < _safeTo ? wall - _safeOffset : Resolve(wall, wallClock);
        _previous = result;
        return result;
    }

    private long Resolve(long wall, DateTime wallClock)
    {
        var mapping = _zone.MapLocal(LocalDateTime.FromDateTime(wallClock));
        switch (mapping.Count)
        {
            case 1:
                Remember(mapping.EarlyInterval);
                return wall - _safeOffset;
            case 2:
                // Autumn: the early interval has the larger offset, so it gives the first occurrence.
                var first = wall - mapping.EarlyInterval.WallOffset.Seconds;
                var second = wall - mapping.LateInterval.WallOffset.Seconds;
                return _previous > first ? second : first;
            default:
                // Spring gap: the early interval is the one before the jump.
                return wall - mapping.EarlyInterval.WallOffset.Seconds;
        }
    }

    /// <summary>
    /// The wall-clock range where <paramref name="interval"/> alone applies: its own range less the hours it shares
    /// with a neighbour (a repeated hour) or that do not exist (a skipped one), at either end.
    /// </summary>
    private void Remember(ZoneInterval interval)
    {
        var offset = (long)interval.WallOffset.Seconds;
        _safeOffset = offset;
        _safeFrom = long.MinValue;
        _safeTo = long.MaxValue;
        if (interval.HasStart)
        {
            var before = _zone.GetZoneInterval(interval.Start - Duration.Epsilon).WallOffset.Seconds;
            _safeFrom = interval.Start.ToUnixTimeSeconds() + Math.Max(offset, before);
        }

        if (interval.HasEnd)
        {
            var after = _zone.GetZoneInterval(interval.End).WallOffset.Seconds;
            _safeTo = interval.End.ToUnixTimeSeconds() + Math.Min(offset, after);
        }
    }
}
