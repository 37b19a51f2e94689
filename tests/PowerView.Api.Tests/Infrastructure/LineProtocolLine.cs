using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// The tests' one reader of line protocol, independent of the service's writer and following InfluxDB's
/// scanner: a backslash escapes ',' and ' ' in the measurement, ',' '=' ' ' in tag keys, tag values and
/// field keys (plus '"' in field keys), '"' and '\' in string values; any other backslash is a backslash.
/// Types: float, <c>123i</c>, <c>123u</c>, booleans, quoted strings.
/// </summary>
public sealed partial record LineProtocolLine(
    string Measurement, IReadOnlyDictionary<string, string> Tags, IReadOnlyDictionary<string, object> Fields, long? Timestamp)
{
    /// <summary>The field of a line that has exactly one (every <c>electrical</c> point).</summary>
    public string Field => Assert.Single(Fields).Key;

    /// <summary>The float value of a line's only field.</summary>
    public double Value => Assert.IsType<double>(Assert.Single(Fields).Value);

    /// <summary>Parses one line; a line InfluxDB would refuse fails the test with the reason.</summary>
    public static LineProtocolLine Parse(string line) =>
        TryParse(line, out var parsed, out var error) ? parsed : throw new FormatException($"unable to parse '{line}': {error}");

    /// <summary>Parses the lines of a body (blank lines and <c>#</c> comments skipped); the first error wins.</summary>
    public static IReadOnlyList<LineProtocolLine> ParseBody(string body)
    {
        var lines = new List<LineProtocolLine>();
        foreach (var line in body.Split('\n'))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            lines.Add(Parse(line));
        }

        return lines;
    }

    public static bool TryParse(string line, out LineProtocolLine parsed, out string error)
    {
        parsed = null!;
        var reader = new Reader(line);
        var measurement = reader.Until(", ", ", ", out var stop);
        if (measurement.Length == 0)
        {
            error = "missing measurement";
            return false;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        while (stop == ',')
        {
            var key = reader.Until("=", ",= ", out stop);
            if (stop != '=' || key.Length == 0)
            {
                error = "missing tag key";
                return false;
            }

            var value = reader.Until(", =", ",= ", out stop);
            if (value.Length == 0)
            {
                error = "missing tag value";
                return false;
            }

            if (stop == '=')
            {
                error = "invalid tag format";
                return false;
            }

            if (!tags.TryAdd(key, value))
            {
                error = "duplicate tags";
                return false;
            }
        }

        if (stop != ' ')
        {
            error = "missing fields";
            return false;
        }

        var fields = new Dictionary<string, object>(StringComparer.Ordinal);
        do
        {
            var key = reader.Until("=", ",= \"", out stop);
            if (stop != '=' || key.Length == 0)
            {
                error = key.Length == 0 ? "missing field key" : "invalid field format";
                return false;
            }

            if (!reader.TryFieldValue(out var value, out stop, out error))
            {
                return false;
            }

            fields[key] = value;
        }
        while (stop == ',');

        long? timestamp = null;
        if (stop == ' ')
        {
            var text = reader.Rest().TrimEnd(' ');
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ts))
            {
                error = "bad timestamp";
                return false;
            }

            timestamp = ts;
        }

        parsed = new LineProtocolLine(measurement, tags, fields, timestamp);
        error = "";
        return true;
    }

    private sealed class Reader(string line)
    {
        private int _at;

        /// <summary>Reads up to one of <paramref name="stops"/> (not escaped), unescaping <paramref name="escapable"/>.</summary>
        public string Until(string stops, string escapable, out char stop)
        {
            var sb = new StringBuilder();
            while (_at < line.Length)
            {
                var c = line[_at];
                if (c == '\\' && _at + 1 < line.Length && escapable.Contains(line[_at + 1], StringComparison.Ordinal))
                {
                    sb.Append(line[_at + 1]);
                    _at += 2;
                    continue;
                }

                if (stops.Contains(c, StringComparison.Ordinal))
                {
                    _at++;
                    stop = c;
                    return sb.ToString();
                }

                sb.Append(c);
                _at++;
            }

            stop = '\0';
            return sb.ToString();
        }

        public string Rest()
        {
            var rest = line[_at..];
            _at = line.Length;
            return rest;
        }

        public bool TryFieldValue(out object value, out char stop, out string error)
        {
            value = 0.0;
            error = "";
            if (_at < line.Length && line[_at] == '"')
            {
                _at++;
                var sb = new StringBuilder();
                while (true)
                {
                    if (_at >= line.Length)
                    {
                        stop = '\0';
                        error = "unbalanced quotes";
                        return false;
                    }

                    var c = line[_at];
                    if (c == '\\' && _at + 1 < line.Length && line[_at + 1] is '"' or '\\')
                    {
                        sb.Append(line[_at + 1]);
                        _at += 2;
                        continue;
                    }

                    _at++;
                    if (c == '"')
                    {
                        break;
                    }

                    sb.Append(c);
                }

                value = sb.ToString();
                stop = _at < line.Length ? line[_at++] : '\0';
                return stop is '\0' or ',' or ' ' || Fail("invalid field format", out error);
            }

            var text = Until(", ", "", out stop);
            if (text.Length == 0)
            {
                return Fail("missing field value", out error);
            }

            if (Float().IsMatch(text))
            {
                value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
                return double.IsFinite((double)value) || Fail("invalid number", out error);
            }

            if (text.EndsWith('i') && long.TryParse(text[..^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
            {
                value = i;
                return true;
            }

            if (text.EndsWith('u') && ulong.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var u))
            {
                value = u;
                return true;
            }

            switch (text)
            {
                case "t" or "T" or "true" or "True" or "TRUE":
                    value = true;
                    return true;
                case "f" or "F" or "false" or "False" or "FALSE":
                    value = false;
                    return true;
                default:
                    return Fail($"invalid field value '{text}'", out error);
            }
        }

        private static bool Fail(string message, out string error)
        {
            error = message;
            return false;
        }
    }

    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")]
    private static partial Regex Float();
}
