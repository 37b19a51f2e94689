namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// The contract's local-time rule (§3) written plainly, for expected values: .NET's <see cref="TimeZoneInfo"/> on the
/// host's tzdata, where the engine uses NodaTime's embedded TZDB and its own cached intervals. One instance per file:
/// it remembers the previous valid row, as the rule does.
/// </summary>
public sealed class LocalWallClock(string zoneId)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
    private long? _previous;

    /// <summary>Epoch seconds of a wall-clock time of the file, in row order.</summary>
    public long ToEpoch(DateTime wall)
    {
        var asIfUtc = new DateTimeOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified), TimeSpan.Zero).ToUnixTimeSeconds();
        long epoch;
        if (_zone.IsAmbiguousTime(wall))
        {
            // Autumn: the time happens twice. The first pass has the larger offset (summer time).
            var offsets = _zone.GetAmbiguousTimeOffsets(wall);
            var first = asIfUtc - (long)offsets.Max().TotalSeconds;
            var second = asIfUtc - (long)offsets.Min().TotalSeconds;
            epoch = _previous is { } previous && previous > first ? second : first;
        }
        else if (_zone.IsInvalidTime(wall))
        {
            // Spring: the time does not exist; the clock has not jumped yet, so it keeps the offset of the minute before the gap.
            var before = wall;
            while (_zone.IsInvalidTime(before))
            {
                before = before.AddMinutes(-1);
            }

            epoch = asIfUtc - (long)_zone.GetUtcOffset(before).TotalSeconds;
        }
        else
        {
            epoch = asIfUtc - (long)_zone.GetUtcOffset(wall).TotalSeconds;
        }

        _previous = epoch;
        return epoch;
    }

    /// <summary>Epoch seconds of one isolated wall-clock time (no previous row).</summary>
    public static long Epoch(string zoneId, int year, int month, int day, int hour, int minute, int second = 0) =>
        new LocalWallClock(zoneId).ToEpoch(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified));
}
