using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Infrastructure.Servers;

/// <summary>
/// A real server binary from a Debian package, started for one test class (class fixture) on free
/// loopback ports with its own temporary data folder, killed and deleted afterwards. Readiness is a
/// poll of <c>/ping</c> with a bounded timeout. A missing binary is not an error here: tests call
/// <see cref="Require"/>, which skips with the install hint, or fails when <c>CI=true</c>.
/// </summary>
public abstract class ServerProcess : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private const int KeptLogLines = 400;

    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    /// <summary>Executable name, looked up on PATH.</summary>
    protected abstract string BinaryName { get; }

    /// <summary>The Debian package that provides it.</summary>
    protected abstract string PackageName { get; }

    /// <summary>Why the tests cannot run here (binary not installed), or null.</summary>
    public string? MissingReason { get; private set; }

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The server's data, in memory when the machine has /dev/shm: the servers fsync every write, which
    /// costs tens of milliseconds per request on a disk and nothing on tmpfs.</summary>
    public string DataDir { get; } = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "powerview-servers", Guid.NewGuid().ToString("N"));

    /// <summary>An HTTP client for the server (no proxy: loopback only).</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Skips the calling test with a visible reason when the binary is missing, or fails it under CI.</summary>
    public void Require()
    {
        if (MissingReason is not null)
        {
            throw InstalledTools.SkipOrFail(MissingReason);
        }
    }

    /// <summary>The last lines the server printed (stdout and stderr), for failure messages.</summary>
    public string RecentLog() => $"--- last {_log.Count} lines of {BinaryName} ({BaseUrl}) ---\n" + string.Join('\n', _log);

    public async ValueTask InitializeAsync()
    {
        var binary = InstalledTools.FindOnPath(BinaryName);
        if (binary is null)
        {
            MissingReason = $"{BinaryName} not installed: apt-get install {PackageName}";
            return;
        }

        Directory.CreateDirectory(DataDir);
        // A free port can be taken by someone else between our probe and the server's bind: try again then.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var info = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Configure(info, port);
            BaseUrl = new Uri($"http://127.0.0.1:{port}/");
            _process = Process.Start(info) ?? throw new InvalidOperationException($"{binary} did not start");
            _process.OutputDataReceived += (_, e) => Keep(e.Data);
            _process.ErrorDataReceived += (_, e) => Keep(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (await WaitUntilReadyAsync(_process))
            {
                return;
            }

            await StopAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"{BinaryName} did not answer /ping within {StartTimeout.TotalSeconds} s\n{RecentLog()}");
            }
        }
    }

    /// <summary>Arguments and environment for a server listening on <paramref name="port"/> with its data under <see cref="DataDir"/>.</summary>
    protected abstract void Configure(ProcessStartInfo info, int port);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        try
        {
            if (Directory.Exists(DataDir))
            {
                Directory.Delete(DataDir, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }

        GC.SuppressFinalize(this);
    }

    protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<bool> WaitUntilReadyAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout && !process.HasExited)
        {
            try
            {
                using var response = await Http.GetAsync(new Uri(BaseUrl, "ping"));
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            // Polling a readiness endpoint (bounded by StartTimeout), not sleeping as synchronisation.
            await Task.Delay(50);
        }

        return false;
    }

    private async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or it did not die in time: nothing more we can do from here.
        }
        finally
        {
            process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > KeptLogLines && _log.TryDequeue(out _))
        {
        }
    }
}
