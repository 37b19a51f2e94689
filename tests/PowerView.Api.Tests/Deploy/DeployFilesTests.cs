using System.Diagnostics;
using System.Text.Json;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Deploy;

/// <summary>The deployment files parse and validate with the real tools where they exist here.</summary>
public sealed class DeployFilesTests
{
    [Fact]
    public async Task CaddyValidatesTheCaddyfile()
    {
        var caddy = InstalledTools.Require("caddy", "caddy is not installed (apt-get install caddy) — the Caddyfile was not validated");

        var start = new ProcessStartInfo(caddy, ["validate", "--config", RepositoryFiles.Path("Caddyfile"), "--adapter", "caddyfile"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, await output + await error);
        Assert.Contains("Valid configuration", await output + await error, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryJsonFileUnderDeployParses()
    {
        var files = Directory.EnumerateFiles(RepositoryFiles.Path("deploy"), "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryFiles.Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(["deploy/grafana/dashboards/powerview-monitoring.json", "deploy/sftpgo/event-action.json"], files);
        Assert.All(files, f =>
        {
            using var document = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path(f)));
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        });
    }

    [Fact]
    public void TheComposeStackMountsFilesThatExist()
    {
        var compose = File.ReadAllText(RepositoryFiles.Path("deploy/docker-compose.yml"));
        var mounts = System.Text.RegularExpressions.Regex.Matches(compose, @"- (\.\.?/[^:]+):").Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(mounts);
        Assert.All(mounts, m => Assert.True(Path.Exists(Path.Combine(RepositoryFiles.Path("deploy"), m)), m));
    }

    [Fact]
    public void ComposeStackPassesTheSecretsFromTheEnvironmentOnly()
    {
        var compose = File.ReadAllText(RepositoryFiles.Path("deploy/docker-compose.yml"));
        var example = File.ReadAllLines(RepositoryFiles.Path("deploy/.env.example"))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)])
            .ToHashSet();
        // ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}.
        var used = System.Text.RegularExpressions.Regex.Matches(compose, @"\$\{([A-Z_]+)(?::?[-?][^}]*)?\}").Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Empty(used.Except(example));
        Assert.DoesNotContain("change-me", compose, StringComparison.Ordinal);
    }
}
