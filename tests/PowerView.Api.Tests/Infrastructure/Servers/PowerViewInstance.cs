using System.Diagnostics;
using System.Net.Http.Headers;

namespace PowerView.Api.Tests.Infrastructure.Servers;

/// <summary>
/// The built service as an instance of its own: <c>dotnet PowerView.Api.dll</c> in a separate OS process, on a free
/// loopback port, configured through environment variables as a container is (<c>Jobs:Storage</c> → <c>Jobs__Storage</c>),
/// in the Production environment. Several of them on one database and one data root are "several instances": they
/// share nothing else, not even a process. Started by <see cref="ServerProcess.InitializeAsync"/> (ready once
/// <c>/alive</c> answers), ended by <see cref="ServerProcess.KillAsync"/> (SIGKILL) or when disposed.
/// </summary>
public sealed class PowerViewInstance(string name, IReadOnlyDictionary<string, string?> settings) : ServerProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "PowerView.Api.dll");

    private readonly HttpClient _probe = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    protected override string Name => $"PowerView.Api {name} ({BaseUrl})";

    // Every run logs a line: enough to see what an instance did in a test of hundreds of files.
    protected override (int Kept, int Printed) LogLines => (20_000, 300);

    /// <summary>A client of this instance; with a key, it is sent as a Bearer token.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>The instance's log lines that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> LogLinesWith(string text) => [.. LogLinesKept.Where(l => l.Contains(text, StringComparison.Ordinal))];

    protected override string? FindProgram() =>
        File.Exists(Dll) ? null : $"{Dll} not found: build the solution first";

    // The instance's folders are the test's; nothing to prepare.
    protected override Task PrepareAsync() => Task.CompletedTask;

    protected override ProcessStartInfo StartInfo(int port)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(Dll);
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in settings.Where(s => s.Value is not null))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return start;
    }

    protected override async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await _probe.GetAsync(new Uri(BaseUrl, "alive"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false; // Not listening yet.
        }
    }

    protected override void DisposeClients() => _probe.Dispose();
}
