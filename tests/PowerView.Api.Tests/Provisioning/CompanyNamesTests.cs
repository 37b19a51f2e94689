using System.Text.RegularExpressions;
using PowerView.Api.Provisioning;

namespace PowerView.Api.Tests.Provisioning;

public sealed partial class CompanyNamesTests
{
    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex GrafanaUid();

    [Theory]
    [InlineData("acme")]
    [InlineData("Acme Énergie")]
    [InlineData("a company whose folder name is far longer than forty characters, really")]
    [InlineData("l'usine \"nord\" $HOME ${x} \\ back")]
    [InlineData("東京電力")]
    [InlineData("---")]
    [InlineData("9lives")]
    public void EveryUidIsAtMostFortyCharactersOfLowerCaseLettersDigitsAndDashesStartingWithALetter(string company)
    {
        var names = CompanyNames.For(company);

        foreach (var uid in new[] { names.FolderUid, names.InfluxDatasourceUid, names.ApiDatasourceUid, names.OverviewDashboardUid, names.UploadsDashboardUid })
        {
            Assert.True(uid.Length <= 40, $"{uid} has {uid.Length} characters");
            Assert.Matches(GrafanaUid(), uid);
        }
    }

    [Fact]
    public void TheUidIsAReadableSlugAndAHashOfTheExactName()
    {
        Assert.StartsWith("pv-acme-energie-", CompanyNames.For("Acme Énergie").FolderUid, StringComparison.Ordinal);
        Assert.Equal(CompanyNames.For("acme").FolderUid, CompanyNames.For("acme").FolderUid);
        // sha256("acme") begins 822b33ad87 (computed with sha256sum).
        Assert.Equal("pv-acme-822b33ad87", CompanyNames.For("acme").FolderUid);
    }

    [Fact]
    public void NamesThatSlugAlikeGetDifferentUids()
    {
        var uids = new[] { "acme", "Acme", "ACME", "ac me", "ac-me", "ac_me", "acme ", "ácme" }.Select(c => CompanyNames.For(c).FolderUid).ToList();

        Assert.Equal(uids.Count, uids.Distinct().Count());
    }

    [Fact]
    public void TheOtherNamesFollowTheOriginal()
    {
        var names = CompanyNames.For("acme");

        Assert.Equal("influxdb_acme", names.InfluxDatasourceName);
        Assert.Equal("powerview_token_for_bucket_acme", names.TokenDescription);
        Assert.Equal(["acme", "acme_1h", "acme_1d", "acme_1w"], names.AllBuckets);
        Assert.Equal("downsample_acme_1d", CompanyNames.TaskName("acme", "1d"));
    }

    [Theory]
    [InlineData("acme", "\"acme\"")]
    [InlineData("a \"b\"", "\"a \\\"b\\\"\"")]
    [InlineData(@"C:\data", "\"C:\\\\data\"")]
    [InlineData("${x} and $y", "\"\\${x} and $y\"")]
    [InlineData("l'usine", "\"l'usine\"")]
    public void FluxLiteralsEscapeBackslashesQuotesAndInterpolation(string value, string literal)
    {
        Assert.Equal(literal, FluxText.Literal(value));
    }
}
