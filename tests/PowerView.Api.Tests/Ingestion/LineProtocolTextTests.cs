using PowerView.Api.Ingestion.LineProtocol;
using PowerView.Api.Ingestion.Tsv;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>Escaping, checked by reading the produced line back with an independent reader (the real influxd check is in RealServers).</summary>
public sealed class LineProtocolTextTests
{
    [Theory]
    [InlineData("Ph 1")]
    [InlineData("a,b=c d")]
    [InlineData("quote\"d and 'single'")]
    [InlineData("back\\slash")]
    [InlineData("two\\\\ before space")]
    [InlineData("été 中文 🔌")]
    [InlineData("#hash")]
    [InlineData("_underscore")]
    [InlineData("=")]
    public void NamesRoundTripThroughTheLine(string name)
    {
        var channel = new Channel(1, "S1", IsMaster: false, null, "Ch1", name, name, "M1_S1_Ch1");
        var prefix = ElectricalPoint.BuildPrefixes([channel], name, "M1", "MV2")[0];

        var line = LineProtocolLine.Parse(System.Text.Encoding.UTF8.GetString(prefix) + "1.5 1700000000");

        Assert.Equal(name, line.Tags["campaign"]);
        Assert.Equal(name, line.Tags["channel_name"]);
        Assert.Equal(name, line.Tags["channel_unit"]);
        Assert.Equal("M1_S1_Ch1_" + name, line.Field);
        Assert.Equal(1.5, line.Value);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("tab\there", "control character U+0009")]
    [InlineData("cr\rhere", "control character U+000D")]
    [InlineData("nul\0", "control character U+0000")]
    [InlineData("ends\\", "backslash at the end")]
    [InlineData("a\\ b", "backslash before ' '")]
    [InlineData("a\\,b", "backslash before ','")]
    [InlineData("a\\=b", "backslash before '='")]
    [InlineData("a\\\"b", "backslash before '\"'")]
    [InlineData("three\\\\\\", "backslash at the end")]
    [InlineData("two at the end\\\\", "backslash at the end")]
    public void NamesThatCannotBeWrittenFaithfullyAreRefused(string name, string reason)
    {
        var ex = Assert.Throws<UnsafeNameException>(() => LineProtocolText.EscapeKey(name, "channel name"));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("channel name '", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALoneSurrogateIsRefused()
    {
        var name = "lone " + (char)0xD800 + " surrogate";
        var ex = Assert.Throws<UnsafeNameException>(() => LineProtocolText.EscapeKey(name, "channel name"));
        Assert.Contains("not valid Unicode", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StringFieldsQuoteAndEscape()
    {
        Assert.Equal("\"say \\\"hi\\\" \\\\ bye  now\"", LineProtocolText.QuoteStringField("say \"hi\" \\ bye\r\nnow"));
    }

    [Fact]
    public async Task AFileWithAnUnsafeChannelNameIsRejectedNotWrittenHalfEscaped()
    {
        var tsv = new PowerView.Api.Tests.Infrastructure.TsvBuilder().Serials("7", "7").Format("MV_T302_V002", "Volt\\ V").Row("05/01/26 10:00:00", "1").Build();

        var ex = await Assert.ThrowsAsync<UnsafeNameException>(() => IngestorHarness.RunAsync(tsv));

        Assert.Contains("channel name (column 1) 'Volt\\'", ex.Message, StringComparison.Ordinal);
    }
}
