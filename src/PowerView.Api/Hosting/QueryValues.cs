using System.Globalization;

namespace PowerView.Api.Hosting;

/// <summary>How query-string values are read: the forms Grafana, Swagger UI and curl send.</summary>
internal static class QueryValues
{
    // Below this an epoch number is taken as seconds: 1e11 s is the year 5138, 1e11 ms is 1973.
    private const long SecondsBelow = 100_000_000_000;

    /// <summary>
    /// The instants a query may name: no run, file or day is older than the Unix epoch, and the upper bound leaves the
    /// API room to add a default range (30 days, a day's end) without overflowing <see cref="DateTimeOffset"/>.
    /// </summary>
    public static readonly DateTimeOffset Earliest = DateTimeOffset.UnixEpoch;

    public static readonly DateTimeOffset Latest = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Comma-separated values (Grafana's <c>${var:csv}</c>), trimmed, empty ones dropped; none = all.</summary>
    public static IReadOnlyList<string> List(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>ISO-8601 (an instant without offset is UTC), epoch milliseconds (Grafana's <c>${__from}</c>), or epoch seconds.</summary>
    public static bool TryInstant(string? value, out DateTimeOffset? instant)
    {
        instant = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        value = value.Trim();
        DateTimeOffset found;
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch))
        {
            // Negative numbers are before the epoch, hence out of range; no Math.Abs (it overflows on long.MinValue).
            if (epoch < 0 || epoch > Latest.ToUnixTimeMilliseconds())
            {
                return false;
            }

            found = epoch < SecondsBelow ? DateTimeOffset.FromUnixTimeSeconds(epoch) : DateTimeOffset.FromUnixTimeMilliseconds(epoch);
        }
        else if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            found = parsed.ToUniversalTime();
        }
        else
        {
            return false;
        }

        if (found < Earliest || found > Latest)
        {
            return false;
        }

        instant = found;
        return true;
    }

    /// <summary>Reads from/to into <paramref name="errors"/>-checked instants (from not after to).</summary>
    public static (DateTimeOffset? From, DateTimeOffset? To) Range(string? from, string? to, Dictionary<string, string[]> errors)
    {
        const string Expected = "expected an ISO-8601 time (2026-01-05T10:00:00Z) or epoch milliseconds, between 1970-01-01 and 9999-01-01";
        if (!TryInstant(from, out var start))
        {
            errors["from"] = [$"'{from}': {Expected}"];
        }

        if (!TryInstant(to, out var end))
        {
            errors["to"] = [$"'{to}': {Expected}"];
        }

        if (start > end)
        {
            errors["from"] = ["from is after to"];
        }

        return (start, end);
    }

    /// <summary>Comma-separated enum names (<see cref="Json.WireName{T}"/>); an unknown one is an error naming the parameter.</summary>
    public static IReadOnlyList<T> Enums<T>(string name, string? value, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        var values = new List<T>();
        var unknown = new List<string>();
        foreach (var item in List(value))
        {
            if (Json.WireName<T>.TryParse(item, out var parsed))
            {
                values.Add(parsed);
            }
            else
            {
                unknown.Add(item);
            }
        }

        if (unknown.Count > 0)
        {
            errors[name] = [$"unknown {name} '{string.Join("', '", unknown)}'; expected one of {string.Join(", ", Json.WireName<T>.All)}"];
        }

        return values;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>]; anything else is an error naming the parameter.</summary>
    public static int? Integer(string name, string? value, int min, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors[name] = [$"'{value}': {name} must be a whole number between {min} and {max}"];
        return null;
    }
}
