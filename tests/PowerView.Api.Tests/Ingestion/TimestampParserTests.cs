using System.Text;
using PowerView.Api.Ingestion.Tsv;

namespace PowerView.Api.Tests.Ingestion;

public sealed class TimestampParserTests
{
    [Theory]
    [InlineData("05/01/26 10:00:00", 2026, 1, 5, 10, 0, 0)]
    [InlineData("5/1/26 1:2:3", 2026, 1, 5, 1, 2, 3)]
    [InlineData("06/12/25 19:30:0", 2025, 12, 6, 19, 30, 0)]
    [InlineData("05/01/26  10:00:00", 2026, 1, 5, 10, 0, 0)]
    [InlineData(" 5/01/26 10:00:00 ", 2026, 1, 5, 10, 0, 0)]
    [InlineData("29/02/24 23:59:59", 2024, 2, 29, 23, 59, 59)]
    [InlineData("01/01/00 00:00:00", 2000, 1, 1, 0, 0, 0)]
    [InlineData("31/12/68 12:00:00", 2068, 12, 31, 12, 0, 0)]
    [InlineData("01/01/69 12:00:00", 1969, 1, 1, 12, 0, 0)]
    [InlineData("01/01/99 12:00:00", 1999, 1, 1, 12, 0, 0)]
    [InlineData("01/01/20 01:00:02", 2020, 1, 1, 1, 0, 2)]
    public void ValidTimestampsAreReadAsWrittenWithPythonsYearPivot(string cell, int y, int mo, int d, int h, int mi, int s)
    {
        Assert.True(TimestampParser.TryParse(Encoding.UTF8.GetBytes(cell), out var wall));
        Assert.Equal(new DateTime(y, mo, d, h, mi, s), wall);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("31/02/26 10:00:00")]
    [InlineData("29/02/25 10:00:00")]
    [InlineData("00/01/26 10:00:00")]
    [InlineData("05/13/26 10:00:00")]
    [InlineData("05/00/26 10:00:00")]
    [InlineData("05/01/26 24:00:00")]
    [InlineData("05/01/26 10:60:00")]
    [InlineData("05/01/26 10:00:60")]
    [InlineData("05/01/2026 10:00:00")]
    [InlineData("05/01/6 10:00:00")]
    [InlineData("005/01/26 10:00:00")]
    [InlineData("2026-01-05 10:00:00")]
    [InlineData("05/01/26 10:00")]
    [InlineData("05/01/26T10:00:00")]
    [InlineData("05/01/26 10:00:00Z")]
    [InlineData("05/01/26")]
    [InlineData("29/10/25 1")]
    [InlineData("05/12/25 07:")]
    [InlineData("07/12")]
    [InlineData("0")]
    [InlineData("05-01-26 10:00:00")]
    [InlineData("05/01/26\t10:00:00")]
    [InlineData("٠٥/01/26 10:00:00")]
    public void InvalidOrImpossibleTimestampsAreRefused(string cell)
    {
        Assert.False(TimestampParser.TryParse(Encoding.UTF8.GetBytes(cell), out _));
    }
}
