using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>
/// Flux cannot run here; its language server can: <c>tests/tools/flux-check/check.mjs</c> parses and type-checks
/// scripts with <c>@influxdata/flux-lsp-browser</c> under Node. Without Node or the package the calling test is
/// skipped with the install command, and fails under <c>CI=true</c> (the rule of <see cref="InstalledTools"/>).
/// </summary>
internal static partial class FluxChecker
{
    public const string InstallHint = "npm ci --prefix tests/tools/flux-check";

    private static readonly string Folder = RepositoryFiles.Path("tests/tools/flux-check");

    public static async Task<IReadOnlyList<FluxCheck>> CheckAsync(IEnumerable<(string Name, string Flux)> scripts)
    {
        var node = InstalledTools.FindOnPath("node")
            ?? throw InstalledTools.SkipOrFail($"Node.js is not installed: apt-get install nodejs npm, then {InstallHint}");
        if (!File.Exists(Path.Combine(Folder, "node_modules", "@influxdata", "flux-lsp-browser", "flux-lsp-browser_bg.wasm")))
        {
            throw InstalledTools.SkipOrFail($"@influxdata/flux-lsp-browser is not installed: {InstallHint}");
        }

        var input = new JsonArray([.. scripts.Select(s => (JsonNode)new JsonObject { ["name"] = s.Name, ["flux"] = s.Flux })]);
        var start = new ProcessStartInfo(node, [Path.Combine(Folder, "check.mjs")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input.ToJsonString());
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the Flux checker did not finish within 2 minutes");
        }

        var line = (await output).Split('\n').FirstOrDefault(l => l.StartsWith("FLUX-CHECK-RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"the Flux checker answered nothing (exit {process.ExitCode}): {await errors}");
        return JsonSerializer.Deserialize<List<FluxCheck>>(line["FLUX-CHECK-RESULT ".Length..], JsonSerializerOptions.Web)!;
    }

    /// <summary>
    /// A dashboard query as Grafana sends it: its InfluxDB datasource replaces <c>x.timeRangeStart</c>, <c>x.timeRangeStop</c>
    /// and <c>x.windowPeriod</c> textually (pkg/tsdb/influxdb/flux/macros.go), and the dashboard's variables are interpolated.
    /// </summary>
    public static string AsGrafanaSendsIt(string query, IReadOnlyDictionary<string, string> variables)
    {
        var flux = Macro().Replace(query, m => m.Groups[2].Value switch
        {
            "timeRangeStart" => "2025-01-01T00:00:00Z",
            "timeRangeStop" => "2025-12-31T23:59:59.999Z",
            "windowPeriod" => "1h0m0s",
            _ => m.Value,
        });
        return Variable().Replace(flux, m => variables.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
    }

    [GeneratedRegex(@"([a-zA-Z]+)\.([a-zA-Z]+)")]
    private static partial Regex Macro();

    [GeneratedRegex(@"\$\{(\w+)(?::\w+)?\}")]
    private static partial Regex Variable();
}

internal sealed record FluxCheck(string Name, bool Valid, IReadOnlyList<string> Errors);
