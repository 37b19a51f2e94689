using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Runs;

/// <summary>The <c>Runs</c> section is checked at start-up: a wrong value stops the service with a message naming the key.</summary>
public sealed class RunsConfigurationTests
{
    [Theory]
    [InlineData("-1")]
    [InlineData("36501")]
    public async Task ARetentionOutOfRangeStopsTheServiceWithTheKey(string days)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Runs:RetentionDays"] = days });

        var refusal = app.StartupRefusal();

        Assert.Contains("Runs:RetentionDays must be between 0 (keep forever) and 36500", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Postgres", null, "Runs:Storage must be Sqlite or PostgreSql (got 'Postgres')")]
    [InlineData("PostgreSql", null, "ConnectionStrings:Runs is required when Runs:Storage is PostgreSql")]
    [InlineData("PostgreSql", " ", "ConnectionStrings:Runs is required when Runs:Storage is PostgreSql")]
    [InlineData("postgresql", "Hots=db;Database=powerview", "ConnectionStrings:Runs is not a PostgreSQL connection string:")]
    [InlineData("PostgreSql", "Database=powerview;Username=api", "ConnectionStrings:Runs is not a PostgreSQL connection string: no Host")]
    public async Task AWrongRunStoreSettingStopsTheServiceWithTheKey(string storage, string? connectionString, string message)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Runs:Storage"] = storage,
            ["ConnectionStrings:Runs"] = connectionString,
        });

        var refusal = app.StartupRefusal();

        Assert.Contains(message, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConnectionStringThatDoesNotParseIsRefusedWithoutItsPassword()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Runs:Storage"] = "PostgreSql",
            ["ConnectionStrings:Runs"] = "Host=db;Password=s3cret-Passw0rd;Port=notaport",
        });

        var refusal = app.StartupRefusal();

        Assert.Contains("ConnectionStrings:Runs is not a PostgreSQL connection string", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-Passw0rd", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.All, e => e.RenderMessage().Contains("s3cret-Passw0rd", StringComparison.Ordinal) || (e.Exception?.ToString().Contains("s3cret-Passw0rd", StringComparison.Ordinal) ?? false));
    }
}
