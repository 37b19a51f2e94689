using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

public sealed class ChannelMappingTests
{
    [Fact]
    public async Task MasterAndSlavesOfTheCompany1SampleGetTheContractsIdsAndTags()
    {
        var (result, lines) = await IngestorHarness.RunAsync(File.ReadAllText(Samples.Path("company1/T302_251012_031720.tsv")), "campaign1", "02001084");

        Assert.Equal(30, result.Channels.Count);
        Assert.Equal(
            ["M02001171_U1", "M02001171_U2", "M02001171_U3", "M02001171_Ch1", "M02001171_Ch2", "M02001171_Ch3"],
            result.Channels.Take(6).Select(c => c.ChannelId));
        Assert.Equal(
            ["M02001171_S04000466_Ch1", "M02001171_S04000466_Ch6", "M02001171_S04000477_Ch1", "M02001171_S04001344_Ch6"],
            new[] { 6, 11, 12, 29 }.Select(i => result.Channels[i].ChannelId));
        Assert.Contains(result.Warnings, w => w.Contains("'02001084' differs from the master serial number '02001171'", StringComparison.Ordinal));

        var first = lines[0];
        Assert.Equal("electrical", first.Measurement);
        Assert.Equal("M02001171_U1_V", first.Field);
        Assert.Equal(242.25, first.Value);
        Assert.Equal(new Dictionary<string, string>
        {
            ["campaign"] = "campaign1",
            ["channel_id"] = "M02001171_U1",
            ["channel_label"] = "U1",
            ["channel_name"] = "Ph 1",
            ["channel_unit"] = "V",
            ["device"] = "MV2",
            ["device_master_sn"] = "02001171",
            ["device_sn"] = "02001171",
            ["device_subtype"] = "tri",
            ["device_type"] = "master",
        }, first.Tags);

        var slave = lines.First(l => l.Tags["channel_id"] == "M02001171_S04000466_Ch1");
        Assert.Equal("M02001171_S04000466_Ch1_W", slave.Field);
        Assert.Equal("slave", slave.Tags["device_type"]);
        Assert.Equal("04000466", slave.Tags["device_sn"]);
        Assert.Equal("02001171", slave.Tags["device_master_sn"]);
        Assert.False(slave.Tags.ContainsKey("device_subtype"));
    }

    [Fact]
    public async Task MasterTypeMonoFromTheHeaderGivesOneVoltage()
    {
        var (result, _) = await IngestorHarness.RunAsync(File.ReadAllText(Samples.Path("format_v003/T302_260122_162658_UTC.tsv")));

        Assert.Equal("MV_T302_V003", result.Format);
        Assert.Equal(["U1", "Ch1", "Ch2", "Ch3", "Ch4", "Ch5"], result.Channels.Select(c => c.Label));
        Assert.All(result.Channels, c => Assert.Equal("mono", c.DeviceSubtype));
    }

    [Theory]
    [InlineData("{\"MasterType\":\"Tri\"}", "tri")]
    [InlineData("{\"MasterType\":\" MONO \"}", "mono")]
    [InlineData("{\"MasterType\":\"Other\"}", "tri")]
    [InlineData("{}", "tri")]
    public async Task MasterTypeWinsOverThePhaseLabelsWhenItSaysTriOrMono(string json, string subtype)
    {
        var tsv = new TsvBuilder().Header(json)
            .Format("MV_T302_V003", "Ph 1 V", "Ph 2 V", "Ph 3 V")
            .Row("05/01/26 10:00:00", "1", "2", "3").Build();

        var (result, _) = await IngestorHarness.RunAsync(tsv);

        Assert.All(result.Channels, c => Assert.Equal(subtype, c.DeviceSubtype));
    }

    [Fact]
    public async Task LabelsArePositionalWhateverTheColumnNames()
    {
        var tsv = new TsvBuilder()
            .Serials("M1", "M1", "M1", "M1", "M1", "M1", "M1")
            .Format("MV_T302_V002", "Voie1 W", "Ph 1 V", "Voie2 W", "Ph 2 V", "Voie3 W", "Ph 3 V")
            .Row("05/01/26 10:00:00", "1", "2", "3", "4", "5", "6").Build();

        var (result, _) = await IngestorHarness.RunAsync(tsv);

        Assert.Equal(["U1", "U2", "U3", "Ch1", "Ch2", "Ch3"], result.Channels.Select(c => c.Label));
        Assert.Equal("MM1_U1_W", result.Channels[0].Field);
    }

    [Fact]
    public async Task MonoMasterWithoutPhaseLabelsAndSlaveCountersArePerDevice()
    {
        var tsv = new TsvBuilder()
            .Serials("M1", "M1", "S9", "M1", "S9", "S8")
            .Format("MV_T302_V002", "Ph 1 V", "minipince W", "Voie1 W", "Voie2 W", "D39L1 W")
            .Row("05/01/26 10:00:00", "1", "2", "3", "4", "5").Build();

        var (result, _) = await IngestorHarness.RunAsync(tsv);

        Assert.Equal(["MM1_U1", "MM1_SS9_Ch1", "MM1_Ch1", "MM1_SS9_Ch2", "MM1_SS8_Ch1"], result.Channels.Select(c => c.ChannelId));
        Assert.Equal(["mono", null, "mono", null, null], result.Channels.Select(c => c.DeviceSubtype));
    }

    [Theory]
    [InlineData("Ph 1 V", "Ph 1", "V")]
    [InlineData("minipince W", "minipince", "W")]
    [InlineData("Voie1", "Voie1", "")]
    [InlineData("Ph 1 V ", "Ph 1 V", "")]
    [InlineData(" Tension  L1   kV", "Tension  L1", "kV")]
    public void NameAndUnitSplitAtTheLastSpace(string cell, string name, string unit)
    {
        Assert.Equal((name, unit), PowerView.Api.Ingestion.Tsv.TsvFormat.SplitNameAndUnit(cell));
    }

    [Fact]
    public async Task EmptyUnitLeavesTheTagOutAndEndsTheFieldWithAnUnderscore()
    {
        var tsv = new TsvBuilder().Serials("M1", "M1", "S1")
            .Format("MV_T302_V002", "Ph 1 V", "Voie1")
            .Row("05/01/26 10:00:00", "230", "5").Build();

        var (_, lines) = await IngestorHarness.RunAsync(tsv);

        var slave = Assert.Single(lines, l => l.Tags["device_type"] == "slave");
        Assert.Equal("MM1_SS1_Ch1_", slave.Field);
        Assert.False(slave.Tags.ContainsKey("channel_unit"));
        Assert.Equal("Voie1", slave.Tags["channel_name"]);
    }

    [Theory]
    [InlineData("MV_T302_V002")]
    [InlineData("MV_T302_V003")]
    [InlineData("MV_T202_V002")]
    public async Task EveryRegisteredMarkerIsReadWithTheSameLayout(string marker)
    {
        var tsv = new TsvBuilder().Format(marker, "Ph 1 V", "Ph 2 V", "Ph 3 V").Row("05/01/26 10:00:00", "1", "2", "3").Build();

        var (result, lines) = await IngestorHarness.RunAsync(tsv);

        Assert.Equal(marker, result.Format);
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal("MV2", l.Tags["device"]));
    }
}
