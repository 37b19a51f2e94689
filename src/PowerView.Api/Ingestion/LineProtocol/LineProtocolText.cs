using System.Text;

namespace PowerView.Api.Ingestion.LineProtocol;

/// <summary>
/// Escaping for InfluxDB line protocol, as the 1.x/2.x TSM parser reads it (docs/ingestion.md, docs/influxdb-tests.md).
/// Keys and tag values: ',', '=' and ' ' take a backslash; a backslash is kept as it is, because the
/// parser only removes a backslash standing before one of those three. That makes some names
/// impossible to write faithfully, as influxd 1.6.7 shows (tests/…/RealServers/LineProtocolEscapingTests):
/// a backslash at the end, however many (the parser takes the separator after it as escaped); an odd
/// run before ',', '=' or ' ' (a field key ends there); any backslash before '"' (field keys unescape
/// <c>\"</c> even after another backslash). Control characters are never safe. Such names are refused
/// with a message, never written half-escaped.
/// </summary>
internal static class LineProtocolText
{
    /// <summary>Escapes a tag key, tag value or field key, or throws <see cref="UnsafeNameException"/>.</summary>
    public static string EscapeKey(string value, string what)
    {
        var problem = Problem(value);
        if (problem is not null)
        {
            throw new UnsafeNameException($"{what} '{Printable(value)}' cannot be written to InfluxDB: {problem}");
        }

        if (value.AsSpan().IndexOfAny(",= ") < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is ',' or '=' or ' ')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Why a key or tag value cannot be written safely, or null when it can.</summary>
    public static string? Problem(string value)
    {
        if (value.Length == 0)
        {
            return "it is empty";
        }

        if (!IsValidUnicode(value))
        {
            return "it is not valid Unicode";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                return $"it contains the control character U+{(int)c:X4}";
            }

            if (c == '\\')
            {
                var run = 1;
                while (i + run < value.Length && value[i + run] == '\\')
                {
                    run++;
                }

                var next = i + run < value.Length ? value[i + run] : '\0';
                if (next is '\0' or '"' || (run % 2 == 1 && next is ',' or '=' or ' '))
                {
                    return next == '\0'
                        ? "a backslash at the end would escape the next separator"
                        : $"a backslash before '{next}' cannot be told apart from an escape";
                }

                i += run - 1;
            }
        }

        return null;
    }

    /// <summary>A string field value: quoted, with '"' and '\' escaped; line breaks become spaces.</summary>
    public static string QuoteStringField(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"' or '\\':
                    sb.Append('\\').Append(c);
                    break;
                case '\r' or '\n':
                    sb.Append(' ');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static bool IsValidUnicode(string value)
    {
        try
        {
            _ = StrictUtf8.GetByteCount(value);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Printable(string value)
    {
        var sb = new StringBuilder();
        foreach (var c in value.Length > 80 ? value[..80] : value)
        {
            sb.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return sb.ToString();
    }
}

/// <summary>A name (folder, serial number, channel name or unit) that line protocol cannot carry faithfully.</summary>
internal sealed class UnsafeNameException(string message) : Exception(message);
