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

    private const string Strong = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b";

    [Theory]
    [InlineData("short", "PowerView:HookSecret must be at least 32 characters")]
    [InlineData("0123456789abcdef0123", "PowerView:HookSecret must be at least 32 characters outside Development (e.g. openssl rand -hex 32)")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "PowerView:HookSecret is one character repeated: generate one, e.g. openssl rand -hex 32")]
    [InlineData("change-me-to-a-long-random-hook-secret-value", "PowerView:HookSecret is still a placeholder from the examples: generate one, e.g. openssl rand -hex 32")]
    [InlineData("<your hook secret, 32 characters or more>", "PowerView:HookSecret is still a placeholder from the examples: generate one, e.g. openssl rand -hex 32")]
    public void OutsideDevelopmentAWeakSecretIsRefusedWithTheReason(string secret, string expected)
    {
        var options = new PowerViewOptions { HookSecret = secret, AdminKey = Strong };

        var failures = Failures(Validation(Environments.Production, ServiceMode.Web).Validate(null, options));

        Assert.Equal([expected], failures);
    }

    [Fact]
    public void EverySecretServesOnePurpose()
    {
        var options = new PowerViewOptions
        {
            HookSecret = Strong,
            AdminKey = Strong,
            MetricsKey = Strong + "-metrics",
            CompanyKeys = { ["acme"] = Strong + "-metrics", ["globex"] = Strong + "-globex" },
        };

        var failures = Failures(Validation(Environments.Production, ServiceMode.Web).Validate(null, options));

        Assert.Equal(
        [
            "PowerView:HookSecret, PowerView:AdminKey must all differ: each secret serves one purpose",
            "PowerView:MetricsKey, PowerView:CompanyKeys:acme must all differ: each secret serves one purpose",
        ], failures);
    }

    [Fact]
    public void InDevelopmentShortKnownKeysAreAcceptedButStillNotShared()
    {
        var options = new PowerViewOptions { HookSecret = "dev-hook-secret", AdminKey = "dev-admin-key", CompanyKeys = { ["company1"] = "dev-admin-key" } };

        var failures = Failures(Validation(Environments.Development, ServiceMode.Web).Validate(null, options));

        Assert.Equal(["PowerView:AdminKey, PowerView:CompanyKeys:company1 must all differ: each secret serves one purpose"], failures);
    }

    [Fact]
    public void TheShippedDevelopmentSettingsPassAndTheShippedExamplesDoNot()
    {
        using var dev = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("appsettings.Development.json")));
        var section = dev.RootElement.GetProperty("PowerView");
        var options = new PowerViewOptions
        {
            HookSecret = section.GetProperty("HookSecret").GetString()!,
            AdminKey = section.GetProperty("AdminKey").GetString()!,
            MetricsKey = section.GetProperty("MetricsKey").GetString()!,
            CompanyKeys = { ["company1"] = section.GetProperty("CompanyKeys").GetProperty("company1").GetString()! },
        };

        Assert.Empty(Failures(Validation(Environments.Development, ServiceMode.Web).Validate(null, options)));
        Assert.NotEmpty(Failures(Validation(Environments.Production, ServiceMode.Web).Validate(null, options)));
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

    [Theory]
    [InlineData("PowerView:StateDir")]
    [InlineData("PowerView:DataRoot")]
    public async Task AFolderThatCannotBeWrittenIsRefusedInOneLineNamingItsKey(string key)
    {
        using var folder = new TempFolder();
        // A regular file where the folder should be: nothing can be created under it, whoever runs the test (root included).
        var inTheWay = Path.Combine(folder.Root, "in-the-way");
        await File.WriteAllTextAsync(inTheWay, "a file, not a folder", TestContext.Current.CancellationToken);
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { [key] = Path.Combine(inTheWay, "sub") });

        var refusal = app.StartupRefusal();

        Assert.StartsWith($"{key} '{Path.Combine(inTheWay, "sub")}' cannot be written: ", refusal, StringComparison.Ordinal);
    }
}
