using System.Globalization;
using System.Text;
using PowerView.Api.Ingestion.Tsv;

namespace PowerView.Api.Tests.Ingestion;

public sealed class ValueParserTests
{
    [Theory]
    [InlineData("242.25", 242.25, "242.25")]
    [InlineData("113.90", 113.9, "113.9")]
    [InlineData("0", 0.0, "0")]
    [InlineData("0.0", 0.0, "0")]
    [InlineData("-0.0", -0.0, "-0")]
    [InlineData("-12.5", -12.5, "-12.5")]
    [InlineData("+7", 7.0, "7")]
    [InlineData(".5", 0.5, "0.5")]
    [InlineData("5.", 5.0, "5")]
    [InlineData("007.100", 7.1, "7.1")]
    [InlineData(" 3.25 ", 3.25, "3.25")]
    [InlineData("1e3", 1000.0, "1000")]
    [InlineData("1.5E-3", 0.0015, "0.0015")]
    [InlineData("2E+20", 2e20, "2E+20")]
    [InlineData("0.00001", 1e-5, "1E-05")]
    [InlineData("0.0001", 1e-4, "0.0001")]
    [InlineData("123456789012345", 123456789012345.0, "123456789012345")]
    [InlineData("1234567890123456789", 1234567890123456789.0, "1.2345678901234568E+18")]
    [InlineData("0.1234567890123456789", 0.1234567890123456789, "0.12345678901234568")]
    public void DecimalValuesParseAndPrintShortestRoundTrip(string cell, double expected, string text)
    {
        Assert.True(Parse(cell, out var value, out var printed));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
        Assert.Equal(text, printed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("1,5")]
    [InlineData("nan")]
    [InlineData("NaN")]
    [InlineData("inf")]
    [InlineData("-Infinity")]
    [InlineData("1_000")]
    [InlineData("0x1A")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData(".")]
    [InlineData("-")]
    [InlineData("+-1")]
    [InlineData("1.2.3")]
    [InlineData("12 3")]
    [InlineData("1e400")]
    [InlineData("٣")]
    public void EverythingElseIsAnInvalidValue(string cell)
    {
        Assert.False(Parse(cell, out _, out _));
    }

    /// <summary>The fast path must agree with .NET's parser and "R" formatting on every decimal it takes.</summary>
    [Fact]
    public void FastPathAgreesWithTheGeneralParserOnRandomDecimals()
    {
        var random = new Random(20261127);
        for (var i = 0; i < 300_000; i++)
        {
            var cell = RandomDecimal(random);
            var parsed = Parse(cell, out var value, out var printed);
            var expected = double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);

            Assert.True(parsed, cell);
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(value), $"{cell}: {value:R} != {expected:R}");
            Assert.True(expected.ToString("R", CultureInfo.InvariantCulture) == printed, $"{cell}: printed {printed}");
        }
    }

    private static bool Parse(string cell, out double value, out string text)
    {
        var scratch = new byte[ValueParser.MaxFormattedLength];
        var ok = ValueParser.TryParse(Encoding.UTF8.GetBytes(cell), scratch, out value, out var span);
        text = Encoding.UTF8.GetString(span);
        return ok;
    }

    private static string RandomDecimal(Random random)
    {
        var sb = new StringBuilder();
        if (random.Next(3) == 0)
        {
            sb.Append(random.Next(2) == 0 ? '-' : '+');
        }

        var intDigits = random.Next(0, 18);
        if (random.Next(4) == 0)
        {
            // Small values and zeros: "0", "0.", "0.000123", "0.00000".
            sb.Append('0');
            if (random.Next(5) != 0)
            {
                sb.Append('.').Append('0', random.Next(0, 7));
                for (var i = random.Next(0, 8); i > 0; i--)
                {
                    sb.Append((char)('0' + random.Next(10)));
                }
            }

            return sb.ToString();
        }
        for (var i = 0; i < intDigits; i++)
        {
            sb.Append((char)('0' + (i == 0 && random.Next(4) != 0 ? random.Next(1, 10) : random.Next(10))));
        }

        if (intDigits == 0 || random.Next(3) != 0)
        {
            sb.Append('.');
            var fracDigits = random.Next(intDigits == 0 ? 1 : 0, 20);
            for (var i = 0; i < fracDigits; i++)
            {
                sb.Append((char)('0' + random.Next(10)));
            }
        }

        return sb.ToString();
    }
}
