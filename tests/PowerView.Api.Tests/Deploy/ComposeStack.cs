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
    public static async Task<(int ExitCode, string Output, string Errors)> ConfigAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var compose = InstalledTools.Require("docker-compose", "docker-compose is not installed (apt-get install docker-compose: Debian 12's 1.29) — the compose file was not checked with it");
        var start = new ProcessStartInfo(compose, ["--env-file", EnvExample, "-f", ComposeFile, "config"])
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
