using System.Diagnostics;
using System.Text.Json.Nodes;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Deploy;

/// <summary>deploy/docker-compose.yml and deploy/.env.example, read as the tools read them.</summary>
internal static class ComposeStack
{
    public static string ComposeFile => RepositoryFiles.Path("deploy/docker-compose.yml");

    public static string EnvExample => RepositoryFiles.Path("deploy/.env.example");

    /// <summary>The compose file as JSON (anchors and merge keys resolved, not interpolated).</summary>
    public static JsonObject Source() => YamlJson.Load(File.ReadAllText(ComposeFile))!.AsObject();

    /// <summary>NAME=value lines of deploy/.env.example, in order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ExampleVariables() =>
        File.ReadAllLines(EnvExample)
            .Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal))
            .Select(l => new KeyValuePair<string, string>(l[..l.IndexOf('=', StringComparison.Ordinal)], l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            .ToList();

    /// <summary>
    /// Runs Debian's docker-compose 1.29 <c>config</c> on the file with deploy/.env.example, in an environment
    /// without the example's variables (the shell's would override the file's), plus <paramref name="extra"/>.
    /// </summary>
    public static Task<(int ExitCode, string Output, string Errors)> ConfigAsync(IReadOnlyDictionary<string, string>? extra = null) =>
        ConfigAsync(EnvExample, extra);

    /// <summary>The same with another env file (deploy/.env as the runbook fills it).</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> ConfigAsync(string envFile, IReadOnlyDictionary<string, string>? extra = null)
    {
        var compose = InstalledTools.Require("docker-compose", "docker-compose is not installed (apt-get install docker-compose: Debian 12's 1.29) — the compose file was not checked with it");
        var start = new ProcessStartInfo(compose, ["--env-file", envFile, "-f", ComposeFile, "config"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryFiles.Root,
        };
        foreach (var (name, _) in ExampleVariables())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>
    /// Runs docs/deployment.md's "Configure" block (the one starting <c>cp deploy/.env.example deploy/.env</c>) with bash
    /// in <paramref name="root"/>, holding a copy of the example: what an operator's first step leaves behind.
    /// </summary>
    /// <returns>The block's output and errors (its closing grep prints any placeholder left).</returns>
    public static async Task<(string Output, string Errors)> RunRunbookConfigureAsync(string root)
    {
        var bash = InstalledTools.Require("bash", "bash is not installed");
        InstalledTools.Require("openssl", "openssl is not installed (apt-get install openssl) — the runbook's secret commands were not run");
        var runbook = File.ReadAllText(RepositoryFiles.Path("docs/deployment.md"));
        var block = System.Text.RegularExpressions.Regex.Match(runbook, @"```sh\n(cp deploy/\.env\.example deploy/\.env\n.*?)```",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(block.Success, "docs/deployment.md has no block starting with cp deploy/.env.example deploy/.env");

        Directory.CreateDirectory(Path.Combine(root, "deploy"));
        File.Copy(EnvExample, Path.Combine(root, "deploy", ".env.example"));
        var start = new ProcessStartInfo(bash, ["-c", block.Groups[1].Value])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (await output, await errors);
    }

    public static JsonObject Service(JsonObject compose, string name) =>
        compose["services"]?[name]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"no service '{name}' in the compose file");

    public static string? Env(JsonObject service, string name) => service["environment"]?[name]?.ToString();

    /// <summary>The ports a service listens on for the others: <c>expose</c> and the container side of <c>ports</c>.</summary>
    public static IReadOnlySet<int> Ports(JsonObject service)
    {
        var ports = new HashSet<int>();
        foreach (var e in service["expose"]?.AsArray() ?? [])
        {
            ports.Add(int.Parse(e!.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var p in service["ports"]?.AsArray() ?? [])
        {
            var target = p is JsonObject o ? o["target"]!.ToString() : p!.ToString().Split(':')[^1].Split('/')[0];
            ports.Add(int.Parse(target, System.Globalization.CultureInfo.InvariantCulture));
        }

        return ports;
    }
}
