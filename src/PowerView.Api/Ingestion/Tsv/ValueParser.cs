using System.Globalization;

namespace PowerView.Api.Ingestion.Tsv;

/// <summary>
/// The value grammar of the contract (§3): optional spaces, optional sign, digits with an optional '.'
/// fraction (digits on at least one side, as Python's float() accepts: "5." and ".5"), an optional
/// exponent, optional spaces. Everything else ("", text, "1,5", "nan", "inf", "1_0") is invalid.
/// <para>
/// It also produces the value's line-protocol text: the shortest string that round-trips to the same
/// double (what <c>double.ToString("R")</c> prints). Device values are plain decimals of at most 15
/// significant digits, so the canonical path builds the double straight from the digits (Clinger's exact
/// case: an integer mantissa below 2^53 divided by an exact power of ten is correctly rounded) and takes
/// the cell itself as the text. Anything else (spaces, '+', leading zeros, exponents, long mantissas)
/// checks the grammar here, then goes through <c>double.Parse</c> and <c>TryFormat("R")</c>.
/// </para>
/// </summary>
internal static class ValueParser
{
    /// <summary>Room for any double printed with "R" (for example "-1.2345678901234567E-308").</summary>
    public const int MaxFormattedLength = 32;

    private static readonly double[] PowersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Parses <paramref name="cell"/>. On success <paramref name="text"/> is the value's shortest round-trip
    /// text: most device values are already written that way, minus trailing fraction zeros, so it is
    /// usually a slice of the cell itself; otherwise it is written into <paramref name="scratch"/>
    /// (at least <see cref="MaxFormattedLength"/> bytes). Returns false when the cell is not a valid finite value.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> cell, Span<byte> scratch, out double value, out ReadOnlySpan<byte> text)
    {
        if (TryCanonical(cell, out value, out var length))
        {
            text = cell[..length];
            return true;
        }

        length = TryParse(cell, scratch, out value);
        text = length < 0 ? default : scratch[..length];
        return length >= 0;
    }

    /// <summary>
    /// The common case in one pass: <c>-?(0|[1-9][0-9]*)(\.[0-9]*)?</c>, at most 15 digits, no spaces or
    /// exponent, not below 1e-4 (which .NET prints in exponent form). Its shortest round-trip text is the
    /// cell without trailing fraction zeros (and without a bare trailing '.'), so only a length is returned.
    /// </summary>
    private static bool TryCanonical(ReadOnlySpan<byte> s, out double value, out int textLength)
    {
        value = 0;
        textLength = 0;
        var i = 0;
        var negative = false;
        if (s.Length > 0 && s[0] == (byte)'-')
        {
            negative = true;
            i = 1;
        }

        var intStart = i;
        long mantissa = 0;
        while (i < s.Length && (uint)(s[i] - '0') <= 9)
        {
            mantissa = (mantissa * 10) + (s[i] - '0');
            i++;
        }

        var intDigits = i - intStart;
        if (intDigits == 0 || (intDigits > 1 && s[intStart] == (byte)'0'))
        {
            return false;
        }

        var end = i;
        var fracDigits = 0;
        if (i < s.Length && s[i] == (byte)'.')
        {
            i++;
            var fracStart = i;
            while (i < s.Length && (uint)(s[i] - '0') <= 9)
            {
                mantissa = (mantissa * 10) + (s[i] - '0');
                i++;
            }

            fracDigits = i - fracStart;
            end = i;
            while (end > fracStart && s[end - 1] == (byte)'0')
            {
                end--;
            }

            if (end == fracStart)
            {
                end--; // no fraction left: drop the '.'
            }
            else if (intDigits == 1 && s[intStart] == (byte)'0' && end - fracStart > 4 && s.Slice(fracStart, 4).SequenceEqual("0000"u8))
            {
                return false; // 0.0000…: below 1e-4, printed in exponent form
            }
        }

        if (i != s.Length || intDigits + fracDigits > 15)
        {
            return false;
        }

        value = mantissa / PowersOf10[fracDigits];
        if (negative)
        {
            value = -value;
        }

        textLength = end;
        return true;
    }

    /// <summary>
    /// The general path: checks the grammar, then parses and formats with .NET; writes the text into
    /// <paramref name="text"/> and returns its length, or -1 when the cell is not a valid finite value.
    /// </summary>
    private static int TryParse(ReadOnlySpan<byte> cell, Span<byte> text, out double value)
    {
        value = 0;
        var start = 0;
        var end = cell.Length;
        while (start < end && cell[start] == (byte)' ')
        {
            start++;
        }

        while (end > start && cell[end - 1] == (byte)' ')
        {
            end--;
        }

        var s = cell[start..end];
        var i = 0;
        if (i < s.Length && (s[i] == (byte)'-' || s[i] == (byte)'+'))
        {
            i++;
        }

        var intStart = i;
        while (i < s.Length && IsDigit(s[i]))
        {
            i++;
        }

        var intEnd = i;
        var fracStart = i;
        var fracEnd = i;
        if (i < s.Length && s[i] == (byte)'.')
        {
            i++;
            fracStart = i;
            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }

            fracEnd = i;
        }

        if (intEnd == intStart && fracEnd == fracStart)
        {
            return -1;
        }

        if (i < s.Length && (s[i] == (byte)'e' || s[i] == (byte)'E'))
        {
            i++;
            if (i < s.Length && (s[i] == (byte)'-' || s[i] == (byte)'+'))
            {
                i++;
            }

            var expDigits = i;
            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }

            if (i == expDigits)
            {
                return -1;
            }
        }

        if (i != s.Length)
        {
            return -1;
        }

        return GeneralPath(s, text, out value);
    }

    private static int GeneralPath(ReadOnlySpan<byte> s, Span<byte> text, out double value)
    {
        // The grammar was checked above, so only decimal digits, sign, '.', and an exponent reach here.
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            || !double.IsFinite(value))
        {
            return -1;
        }

        return value.TryFormat(text, out var written, "R", CultureInfo.InvariantCulture) ? written : -1;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
