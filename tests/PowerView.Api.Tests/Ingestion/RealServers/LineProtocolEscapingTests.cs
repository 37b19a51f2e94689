using System.Globalization;
using System.Net;
using System.Text;
using PowerView.Api.Ingestion.LineProtocol;
using PowerView.Api.Ingestion.Tsv;
using PowerView.Api.Ingestion;
using PowerView.Api.Tests.Infrastructure.Servers;

namespace PowerView.Api.Tests.Ingestion.RealServers;

/// <summary>
/// The escaping of folder, serial, channel and unit names, judged by influxd 1.6.7's parser (the one
/// InfluxDB 2.x runs): names we accept come back exactly, and for names we refuse, a write that escapes
/// them the obvious way is shown to be rejected or stored differently.
/// </summary>
public sealed class LineProtocolEscapingTests(InfluxdServer influxd) : RealServerTest(influxd), IClassFixture<InfluxdServer>
{
    private const long Epoch = 1767225600; // 2026-01-01T00:00:00Z

    public static TheoryData<string> SafeNames() => new(
        "Site A", "a  b", " leading space", "trailing space ", "a,b", ",a", "a,", "a=b", "=a", "==",
        "a=b,c d", "say \"hi\"", "\"", "l'usine", "l’usine", @"C:\data\site", @"\a", @"a\\b", @"a\\ b", @"a\\,b", @"a\\=b",
        @"a\\\\ b", @"a\b c\d", "é", "Bâtiment Zürich", "中文", "😀 emoji", "#1", "#", "_tmp", "_", "100%", "a\u00A0b",
        "Zürich, Halle 2 = \"Süd\" \\Nord");

    /// <summary>The name goes into every free-text place at once: campaign, master and device serials (so the
    /// channel id), channel name and unit (so the field key).</summary>
    [Theory]
    [MemberData(nameof(SafeNames))]
    public async Task AcceptedNameComesBackExactlyFromEveryTagAndTheFieldKey(string name)
    {
        influxd.Require();
        Assert.Null(LineProtocolText.Problem(name));
        var channel = ChannelNamed(name);
        var prefix = ElectricalPoint.BuildPrefixes([channel], campaign: name, masterSn: name, deviceModel: "MV2")[0];
        var db = await influxd.CreateDatabaseAsync("escape");

        var (status, error) = await influxd.WriteAsync(db, Line(prefix, "1.5"));

        Assert.True(status == HttpStatusCode.NoContent, $"{(int)status} {error}");
        var series = Assert.Single(await influxd.QueryAsync(db, "SELECT * FROM electrical GROUP BY *"));
        Assert.Equal(name, series.Tags["campaign"]);
        Assert.Equal(name, series.Tags["channel_name"]);
        Assert.Equal(name, series.Tags["channel_unit"]);
        Assert.Equal(name, series.Tags["device_sn"]);
        Assert.Equal(name, series.Tags["device_master_sn"]);
        Assert.Equal(channel.ChannelId, series.Tags["channel_id"]);
        Assert.Equal(["time", channel.FieldKey], series.Columns);
        Assert.Equal(1.5, Assert.Single(series.Rows)[1].GetDouble());
        var campaigns = await influxd.QueryAsync(db, "SHOW TAG VALUES FROM electrical WITH KEY = \"campaign\"");
        Assert.Equal(name, Assert.Single(Assert.Single(campaigns).Rows)[1].GetString());
    }

    public static TheoryData<string> RefusedNames() => new(
        @"a\", @"\", @"a\\", @"a\\\", @"a\,b", @"a\=b", @"a\ b", @"a\\\ b", "a\\\"b", "a\\\\\"b", "\\\"",
        "", "a\nb", "a\r\nb");

    /// <summary>
    /// Each refused name is written the obvious way (the same escaping without the refusal), once as a
    /// tag value and once inside a field key: influxd rejects the line or stores something else in at
    /// least one of the two places. So refusing the name is the only way not to lose or alter data.
    /// </summary>
    [Theory]
    [MemberData(nameof(RefusedNames))]
    public async Task RefusedNameWouldBeLostOrAlteredByANaiveWrite(string name)
    {
        influxd.Require();
        var problem = LineProtocolText.Problem(name);
        Assert.NotNull(problem);
        var refused = Assert.Throws<UnsafeNameException>(() =>
            ElectricalPoint.BuildPrefixes([ChannelNamed("Ph 1")], campaign: name, masterSn: "02000800", deviceModel: "MV2"));
        Assert.Contains(problem, refused.Message, StringComparison.Ordinal);
        Assert.Contains("campaign folder name", refused.Message, StringComparison.Ordinal);

        var asTag = await NaiveTagAsync(name);
        var asField = await NaiveFieldKeyAsync(name);

        Output($"{Show(name)}: refused ({problem}); naive tag → {asTag}; naive field key → {asField}");
        Assert.True(asTag != Outcome.Kept || asField != Outcome.Kept,
            $"influxd keeps {Show(name)} both as a tag value and in a field key: the refusal ({problem}) is not needed");
    }

    /// <summary>Not a theory case: xunit's serialisation of theory data would replace the lone surrogate.</summary>
    [Fact]
    public async Task InvalidUnicodeIsRefusedBecauseItWouldBeStoredAsAReplacementCharacter()
    {
        influxd.Require();
        const string name = "a\uD800b";
        Assert.Equal("it is not valid Unicode", LineProtocolText.Problem(name));
        Assert.Equal(Outcome.Altered, await NaiveTagAsync(name));
        Assert.Equal(Outcome.Altered, await NaiveFieldKeyAsync(name));
    }

    public static TheoryData<string> ControlCharacters() => new("a\tb", "\tb", "a\u0001b", "a\rb", "a\u007Fb", "a\u0085b");

    /// <summary>
    /// Control characters other than line breaks survive influxd 1.6.7's parser unchanged, in tags and field
    /// keys. They are refused anyway, by policy (they cannot come from a TSV cell, and in a folder name they
    /// are a mistake that would show as invisible differences in dashboards); this test records that the
    /// refusal is a choice, not a parser limit.
    /// </summary>
    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task ControlCharactersAreRefusedByPolicyThoughInfluxdWouldKeepThem(string name)
    {
        influxd.Require();
        Assert.StartsWith("it contains the control character", LineProtocolText.Problem(name), StringComparison.Ordinal);
        Assert.Equal(Outcome.Kept, await NaiveTagAsync(name));
        Assert.Equal(Outcome.Kept, await NaiveFieldKeyAsync(name));
    }

    /// <summary>Values at the edges of float64, through the real reader and formatter, come back bit for bit.</summary>
    [Fact]
    public async Task ValuesComeBackBitForBit()
    {
        influxd.Require();
        string[] cells =
        [
            "-0.0", "0", "0.1", "0.30000000000000004", " 7 ", "+3", ".5", "5.", "-35.80", "1e-300", "1E+20", "1.5e20",
            "123456789012345678", "2.2250738585072014E-308", "4.9406564584124654E-324", "1.7976931348623157E+308",
            "-1.000000000000001", "9007199254740993", "0.000001", "0.0001234", "229.999999999999999",
        ];
        var tsv = new StringBuilder()
            .Append("02000800").Append(string.Concat(cells.Select(_ => "\t02000800"))).Append('\n')
            .Append("MV_T302_V002").Append(string.Concat(cells.Select((_, i) => $"\tVoie{i + 1} W"))).Append('\n')
            .Append("01/01/26 00:00:00").Append(string.Concat(cells.Select(c => "\t" + c))).Append('\n')
            .ToString();
        var bodies = new List<byte[]>();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(tsv));
        var result = await new TsvIngestor(FormatRegistry.Default, 5000).IngestAsync(stream, "edges", null, IngestorHarness.Paris, (body, _) =>
        {
            bodies.Add(body.ToArray());
            return Task.CompletedTask;
        }, TestContext.Current.CancellationToken);
        Assert.Equal(cells.Length, result.Counters.PointsWritten);
        var db = await influxd.CreateDatabaseAsync("values");

        var (status, error) = await influxd.WriteAsync(db, Assert.Single(bodies));

        Assert.True(status == HttpStatusCode.NoContent, $"{(int)status} {error}");
        var stored = (await influxd.QueryAsync(db, "SELECT * FROM electrical GROUP BY *"))
            .ToDictionary(s => s.Tags["channel_label"], s => s);
        for (var i = 0; i < cells.Length; i++)
        {
            // Mono master: U1, then Ch1, Ch2…
            var label = i == 0 ? "U1" : $"Ch{i}";
            var row = Assert.Single(stored[label].Rows);
            var got = double.Parse(row.Skip(1).Single(v => v.ValueKind != System.Text.Json.JsonValueKind.Null).GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
            var expected = double.Parse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(got), $"'{cells[i]}': expected {expected:R}, influxd has {got:R}");
        }
    }

    private enum Outcome
    {
        Kept,
        Altered,
        Rejected,
    }

    /// <summary>The name as the only free-text tag value, escaped like <see cref="LineProtocolText.EscapeKey"/> but without the refusal.</summary>
    private async Task<Outcome> NaiveTagAsync(string name)
    {
        var db = await influxd.CreateDatabaseAsync("naive_tag");
        var (status, _) = await influxd.WriteAsync(db, $"electrical,campaign={NaiveEscape(name)} f=1 {Epoch}\n");
        if (status != HttpStatusCode.NoContent)
        {
            return Outcome.Rejected;
        }

        var series = await influxd.QueryAsync(db, "SELECT * FROM electrical GROUP BY *");
        return series.Count == 1 && series[0].Tags.GetValueOrDefault("campaign") == name ? Outcome.Kept : Outcome.Altered;
    }

    /// <summary>The name inside a field key (as a unit is), escaped the same naive way.</summary>
    private async Task<Outcome> NaiveFieldKeyAsync(string name)
    {
        var db = await influxd.CreateDatabaseAsync("naive_field");
        var (status, _) = await influxd.WriteAsync(db, $"electrical,campaign=x M1_U1_{NaiveEscape(name)}=1 {Epoch}\n");
        if (status != HttpStatusCode.NoContent)
        {
            return Outcome.Rejected;
        }

        var series = await influxd.QueryAsync(db, "SELECT * FROM electrical GROUP BY *");
        return series.Count == 1 && series[0].Columns.SequenceEqual(["time", "M1_U1_" + name]) ? Outcome.Kept : Outcome.Altered;
    }

    private static string NaiveEscape(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name)
        {
            sb.Append(c is ',' or '=' or ' ' ? "\\" + c : c.ToString());
        }

        return sb.ToString();
    }

    private static Channel ChannelNamed(string name) =>
        new(ColumnIndex: 1, DeviceSn: name, IsMaster: true, DeviceSubtype: "tri", Label: "U1", Name: name, Unit: name, ChannelId: $"M{name}_U1");

    private static byte[] Line(byte[] prefix, string value) =>
        [.. prefix, .. Encoding.UTF8.GetBytes($"{value} {Epoch}\n")];

    private static string Show(string name) =>
        string.Concat(name.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
