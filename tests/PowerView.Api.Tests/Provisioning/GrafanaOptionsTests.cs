using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Provisioning;

namespace PowerView.Api.Tests.Provisioning;

public sealed class GrafanaOptionsTests
{
    private static ValidateOptionsResult Validate(GrafanaOptions options) => new GrafanaOptionsValidation().Validate(null, options);

    [Fact]
    public void WithoutAUrlProvisioningIsOffAndNothingElseIsRequired()
    {
        var options = new GrafanaOptions();

        Assert.True(Validate(options).Succeeded);
        Assert.False(options.Enabled);
        Assert.Equal(GrafanaTenancy.Organization, options.TenancyMode);
    }

    [Fact]
    public void OrganizationTenancyNeedsTheServerAdminLogin()
    {
        var result = Validate(new GrafanaOptions { Url = "http://grafana:3000", Token = "glsa_x" });

        Assert.True(result.Failed);
        Assert.Contains("Grafana:AdminUser and Grafana:AdminPassword are required", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TeamTenancyAcceptsATokenOrTheAdminLoginAndNeedsOneOfThem()
    {
        Assert.True(Validate(new GrafanaOptions { Url = "http://grafana:3000", Tenancy = "team", Token = "glsa_x" }).Succeeded);
        Assert.True(Validate(new GrafanaOptions { Url = "http://grafana:3000", Tenancy = "Team", AdminUser = "a", AdminPassword = "p" }).Succeeded);

        var none = Validate(new GrafanaOptions { Url = "http://grafana:3000", Tenancy = "Team" });
        Assert.Contains("Grafana:Token or Grafana:AdminUser", none.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("grafana:3000")]
    [InlineData("ftp://grafana")]
    [InlineData("/relative")]
    public void TheUrlMustBeAbsoluteHttp(string url)
    {
        var result = Validate(new GrafanaOptions { Url = url, AdminUser = "a", AdminPassword = "p" });

        Assert.Contains("Grafana:Url must be an absolute http(s) URL", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AUrlWithCredentialsIsRefusedWithoutEchoingThem()
    {
        var result = Validate(new GrafanaOptions { Url = "http://admin:s3cret@grafana:3000", AdminUser = "a", AdminPassword = "p" });

        Assert.Contains("Grafana:Url must not carry credentials", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Organisation")]
    [InlineData("1")]
    [InlineData("")]
    public void AnUnknownTenancyIsNamed(string tenancy)
    {
        var result = Validate(new GrafanaOptions { Tenancy = tenancy });

        Assert.Contains("Grafana:Tenancy must be Organization or Team", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOtherUrlsAreCheckedAndTheAdminLoginGoesInPairs()
    {
        var result = Validate(new GrafanaOptions { Url = "http://g", AdminUser = "a", InfluxUrl = "influxdb:8086", ApiUrl = "api" });

        Assert.Contains("Grafana:InfluxUrl must be an absolute http(s) URL", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Grafana:ApiUrl must be an absolute http(s) URL", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("go together", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AHalfLoginIsOneMistakeSaidOnce()
    {
        var result = Validate(new GrafanaOptions { Url = "http://grafana:3000", AdminUser = "admin" });

        Assert.Equal(["Grafana:AdminUser and Grafana:AdminPassword go together: set both or neither"], result.Failures);
    }

    [Fact]
    public async Task AHostWithInvalidGrafanaSettingsDoesNotStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Grafana:Url"] = "http://grafana:3000" });
        builder.AddPowerViewConfiguration(ServiceMode.Cli);
        builder.AddProvisioning();
        builder.Services.AddSingleton<ICompanyApiKeys>(new FakeCompanyApiKeys());
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Grafana:AdminUser", failure.Message, StringComparison.Ordinal);
    }
}
