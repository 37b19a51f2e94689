using System.Globalization;
using System.Text;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// A deliberately small, independent reader of one line-protocol line (measurement, tags, one field,
/// timestamp) following InfluxDB's scanner: a backslash escapes the next byte while scanning, and
/// unescaping removes a backslash only before ',', '=' or ' '. Used to check what our writer produces.
/// </summary>
internal sealed record LineProtocolLine(string Measurement, IReadOnlyDictionary<string, string> Tags, string Field, double Value, long Timestamp)
{
    public static LineProtocolLine Parse(string line)
    {
        var parts = SplitUnescaped(line, ' ');
        Assert.Equal(3, parts.Count);
        var keyParts = SplitUnescaped(parts[0], ',');
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in keyParts.Skip(1))
        {
            var kv = SplitUnescaped(tag, '=');
            Assert.Equal(2, kv.Count);
            tags.Add(Unescape(kv[0]), Unescape(kv[1]));
        }

        var field = SplitUnescaped(parts[1], '=');
        Assert.Equal(2, field.Count);
        return new LineProtocolLine(
            Unescape(keyParts[0]), tags, Unescape(field[0]),
            double.Parse(field[1], NumberStyles.Float, CultureInfo.InvariantCulture),
            long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private static List<string> SplitUnescaped(string s, char separator)
    {
        var result = new List<string>();
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == separator)
            {
                result.Add(s[start..i]);
                start = i + 1;
            }
        }

        result.Add(s[start..]);
        return result;
    }

    private static string Unescape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length && s[i + 1] is ',' or '=' or ' ')
            {
                continue;
            }

            sb.Append(s[i]);
        }

        return sb.ToString();
    }
}
