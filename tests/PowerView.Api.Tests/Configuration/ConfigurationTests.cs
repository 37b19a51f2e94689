using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Configuration;

/// <summary>What several features share: the PowerView section (folders, secrets), the Influx connection, the paths.</summary>
public sealed class ConfigurationTests
{
    private static PowerViewOptionsValidation Validation(string environment, ServiceMode mode) =>
        new(new HostingEnvironment { EnvironmentName = environment }, mode);

    private static List<string> Failures(ValidateOptionsResult result) => result.Failures?.ToList() ?? [];

    [Fact]
    public void OutsideDevelopmentTheWebServiceNeedsTheHookSecretAndTheAdminKey()
    {
        var options = new PowerViewOptions();

        var web = Failures(Validation(Environments.Production, ServiceMode.Web).Validate(null, options));
        var cli = Failures(Validation(Environments.Production, ServiceMode.Cli).Validate(null, options));
        var development = Failures(Validation(Environments.Development, ServiceMode.Web).Validate(null, options));

        Assert.Equal(["PowerView:HookSecret is required outside Development", "PowerView:AdminKey is required outside Development"], web);
        Assert.Empty(cli);
        Assert.Empty(development);
    }

    [Fact]
    public void ShortSecretsAndCompanyKeysEqualToAnotherSecretAreRefusedByName()
    {
        var options = new PowerViewOptions
        {
            HookSecret = "short",
            AdminKey = "admin-key-0123456789",
            CompanyKeys = { ["acme"] = "admin-key-0123456789", ["globex"] = "tiny" },
        };

        var failures = Failures(Validation(Environments.Production, ServiceMode.Web).Validate(null, options));

        Assert.Contains("PowerView:HookSecret must be at least 12 characters", failures);
        Assert.Contains("PowerView:CompanyKeys:acme must differ from the admin key, the metrics key and the hook secret", failures);
        Assert.Contains("PowerView:CompanyKeys:globex must be at least 12 characters", failures);
        Assert.DoesNotContain(failures, f => f.StartsWith("PowerView:AdminKey", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Url", "ftp://influx", "Influx:Url must be an absolute http(s) URL (got 'ftp://influx')")]
    [InlineData("Token", "", "Influx:Token is required when Influx:Url is set")]
    [InlineData("Org", "", "Influx:Org is required when Influx:Url is set")]
    [InlineData("ChunkLines", "0", "Influx:ChunkLines must be between 1 and 100000")]
    [InlineData("MaxAttempts", "21", "Influx:MaxAttempts must be between 1 and 20")]
    public void AnInfluxConnectionIsCompleteOrTheKeyIsNamed(string key, string value, string expected)
    {
        var options = new InfluxOptions { Url = "http://influxdb:8086", Token = "token", Org = "org" };
        typeof(InfluxOptions).GetProperty(key)!.SetValue(options, key is "ChunkLines" or "MaxAttempts" ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);

        var failures = Failures(new InfluxOptionsValidation().Validate(null, options));

        Assert.Equal([expected], failures);
    }

    [Fact]
    public void WithoutAnInfluxUrlNothingElseOfTheConnectionIsNeeded()
    {
        Assert.True(new InfluxOptionsValidation().Validate(null, new InfluxOptions()).Succeeded);
    }

    [Fact]
    public void RelativeFoldersStartAtTheContentRootAndALinkedDataRootIsResolved()
    {
        using var folder = new TempFolder();
        var real = Directory.CreateDirectory(Path.Combine(folder.Root, "real-data")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(folder.Root, "data-link"), real);
        var environment = new HostingEnvironment { ContentRootPath = folder.Root };

        var paths = new PowerViewPaths(Options.Create(new PowerViewOptions { DataRoot = "data-link/", StateDir = "var/state" }), environment);

        Assert.Equal(real, paths.DataRoot);
        Assert.Equal(Path.Combine(folder.Root, "var", "state"), paths.StateDir);
    }

    [Fact]
    public async Task AWrongValueStopsTheServiceAtStartWithTheKey()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Influx:Url"] = "http://influxdb:8086",
            ["Influx:Org"] = "powerview",
        });

        var refusal = app.StartupRefusal();

        Assert.Contains("Influx:Token is required when Influx:Url is set", refusal, StringComparison.Ordinal);
    }
}
