namespace PowerView.Api.Ingestion.Tsv;

/// <summary>
/// The device timestamp grammar of the contract (§3): <c>d/m/yy H:M:S</c>. Day, month, hour, minute and
/// second take 1 or 2 digits, the year exactly 2 (00–68 → 20xx, 69–99 → 19xx, Python's pivot, not .NET's),
/// one or more spaces between date and time, spaces around. Impossible dates and times are invalid.
/// Works on the raw UTF-8 cell and does not allocate.
/// </summary>
internal static class TimestampParser
{
    /// <summary>Parses a cell into the wall-clock time it names, as seconds since 0001-01-01 (no zone).</summary>
    public static bool TryParse(ReadOnlySpan<byte> cell, out DateTime wallClock)
    {
        wallClock = default;
        var i = 0;
        SkipSpaces(cell, ref i);

        if (!TryNumber(cell, ref i, 1, 2, out var day) || !Expect(cell, ref i, (byte)'/')
            || !TryNumber(cell, ref i, 1, 2, out var month) || !Expect(cell, ref i, (byte)'/')
            || !TryNumber(cell, ref i, 2, 2, out var year2))
        {
            return false;
        }

        var spaces = SkipSpaces(cell, ref i);
        if (spaces == 0
            || !TryNumber(cell, ref i, 1, 2, out var hour) || !Expect(cell, ref i, (byte)':')
            || !TryNumber(cell, ref i, 1, 2, out var minute) || !Expect(cell, ref i, (byte)':')
            || !TryNumber(cell, ref i, 1, 2, out var second))
        {
            return false;
        }

        SkipSpaces(cell, ref i);
        if (i != cell.Length)
        {
            return false;
        }

        var year = year2 <= 68 ? 2000 + year2 : 1900 + year2;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        wallClock = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return true;
    }

    private static int SkipSpaces(ReadOnlySpan<byte> cell, ref int i)
    {
        var start = i;
        while (i < cell.Length && cell[i] == (byte)' ')
        {
            i++;
        }

        return i - start;
    }

    private static bool Expect(ReadOnlySpan<byte> cell, ref int i, byte expected)
    {
        if (i < cell.Length && cell[i] == expected)
        {
            i++;
            return true;
        }

        return false;
    }

    private static bool TryNumber(ReadOnlySpan<byte> cell, ref int i, int minDigits, int maxDigits, out int value)
    {
        value = 0;
        var digits = 0;
        while (i < cell.Length && digits < maxDigits && (uint)(cell[i] - '0') <= 9)
        {
            value = (value * 10) + (cell[i] - '0');
            i++;
            digits++;
        }

        // A third digit right after a 2-digit field (e.g. a 4-digit year) makes the cell invalid.
        return digits >= minDigits && (i >= cell.Length || (uint)(cell[i] - '0') > 9);
    }
}
