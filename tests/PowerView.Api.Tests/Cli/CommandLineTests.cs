using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Cli;

/// <summary>The executable as a person types it: help, verbs, exit codes, and one clear line when it cannot start.</summary>
public sealed class CommandLineTests
{
    private static readonly string[] Verbs = ["ingest", "sweep", "reprocess", "provision", "healthcheck"];

    /// <summary>The web service needs its secrets outside Development.</summary>
    private static readonly (string, string?)[] Secrets =
        [("PowerView__HookSecret", "cli-hook-secret-0123456789abcdef012345"), ("PowerView__AdminKey", "cli-admin-key-0123456789abcdef01234567")];

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("-h")]
    public async Task HelpListsEveryVerbAndStartsNoServer(string word)
    {
        using var folder = new TempFolder();

        var (exit, stdout, stderr) = await PowerViewProcess.RunAsync(folder, [word]);

        Assert.True(exit == 0, stderr);
        Assert.All(Verbs, verb => Assert.Contains(verb, stdout, StringComparison.Ordinal));
        Assert.Contains("Without a verb the web service starts", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpOfAVerbShowsItsOptions()
    {
        using var folder = new TempFolder();

        var (exit, stdout, _) = await PowerViewProcess.RunAsync(folder, ["help", "ingest"]);

        Assert.Equal(0, exit);
        Assert.Contains("--company", stdout, StringComparison.Ordinal);
        Assert.Contains("--device", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "ingst", "x.tsv" }, "ingst")]
    [InlineData(new[] { "ingest" }, "Required argument missing for command: 'ingest'")]
    [InlineData(new[] { "ingest", "x.tsv", "--company" }, "--company")]
    public async Task AUsageErrorIsExitTwoWithTheProblemAndAPointerToHelp(string[] args, string named)
    {
        using var folder = new TempFolder();

        var (exit, stdout, stderr) = await PowerViewProcess.RunAsync(folder, args);

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.Contains("PowerView.Api --help", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthcheckAnswersZeroForALiveServiceAndOneForNone()
    {
        using var folder = new TempFolder();
        using var refusing = new RefusingPort();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var live = await StartWebAsync(folder, [.. Secrets, ("ASPNETCORE_URLS", $"http://127.0.0.1:{port}")]);

        try
        {
            var (up, upOut, upErr) = await PowerViewProcess.RunAsync(folder, ["healthcheck"], ("ASPNETCORE_URLS", $"http://+:{port}"));
            var (down, _, downErr) = await PowerViewProcess.RunAsync(folder, ["healthcheck", "--url", new Uri(refusing.Url, "alive").ToString()]);

            Assert.True(up == 0, upErr);
            Assert.Contains($"http://127.0.0.1:{port}/alive: 200", upOut, StringComparison.Ordinal);
            Assert.Equal(1, down);
            Assert.Contains("did not answer", downErr, StringComparison.Ordinal);
        }
        finally
        {
            live.Kill(entireProcessTree: true);
            await live.WaitForExitAsync(TestContext.Current.CancellationToken);
            live.Dispose();
        }
    }

    [Fact]
    public async Task APortInUseIsOneLineAndExitTwo()
    {
        using var folder = new TempFolder();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, stdout, stderr) = await PowerViewProcess.RunAsync(folder, ["--urls", $"http://127.0.0.1:{port}"], Secrets);

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"PowerView.Api: cannot listen: Failed to bind to address http://127.0.0.1:{port}: address already in use", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSecretsInProductionAreOneLineNamingTheKeysAndExitTwo()
    {
        using var folder = new TempFolder();

        var (exit, stdout, stderr) = await PowerViewProcess.RunAsync(folder, ["--urls", "http://127.0.0.1:0"], ("DOTNET_ENVIRONMENT", "Production"));

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(
            "PowerView.Api: invalid configuration: PowerView:HookSecret is required outside Development; PowerView:AdminKey is required outside Development",
            line.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InProductionWithoutAnInfluxUrlTheStartSaysThePointsGoToFiles()
    {
        using var folder = new TempFolder();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var service = await StartWebAsync(folder, [.. Secrets, ("DOTNET_ENVIRONMENT", "Production"), ("ASPNETCORE_URLS", $"http://127.0.0.1:{port}")]);
        service.Kill(entireProcessTree: true);
        var stdout = await service.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await service.WaitForExitAsync(TestContext.Current.CancellationToken);
        service.Dispose();

        Assert.Contains("WRN] PowerView.Api.Ingestion.IngestionExtensions.DataRootInitializer: Influx:Url is empty: the points go to line-protocol files under", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartedFromAnotherFolderItStillReadsTheAppsettingsJsonNextToIt()
    {
        using var folder = new TempFolder();
        Assert.False(File.Exists(Path.Combine(folder.Root, "appsettings.json")));

        var (exit, _, stderr) = await PowerViewProcess.RunAsync(folder, ["sweep"], ("Logging__LogLevel__Default", null));

        Assert.True(exit == 0, stderr);
        Assert.Contains($"Content root path: {AppContext.BaseDirectory}", stderr, StringComparison.Ordinal);
    }

    /// <summary>The web service as a separate process, returned once its /alive answers (bounded).</summary>
    private static async Task<Process> StartWebAsync(TempFolder folder, (string Key, string? Value)[] environment)
    {
        var process = Process.Start(PowerViewProcess.StartInfo(folder, [], environment))!;
        var url = environment.Single(e => e.Key == "ASPNETCORE_URLS").Value + "/alive";
        using var http = new HttpClient();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(url, TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet: polling a real condition with a bound, not sleeping as synchronisation.
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"the service did not answer {url}");
    }
}
