using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PowerView.Api.Tests.Infrastructure.Servers;

/// <summary>
/// A real server program from a Debian package, started for one test class (class fixture) on a free loopback port
/// with its own temporary data folder, stopped and deleted afterwards. Readiness is a probe of the server itself,
/// polled with a bound. A missing program is not an error here: tests call <see cref="Require"/>, which skips with
/// the install hint, or fails when <c>CI=true</c>.
/// </summary>
public abstract class ServerProcess : IAsyncLifetime
{
    protected static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    /// <summary>Why the tests cannot run here (the program is not installed), or null.</summary>
    public string? MissingReason { get; private set; }

    public int Port { get; private set; }

    /// <summary>The server's data, in memory when the machine has /dev/shm: the servers fsync every write, which
    /// costs tens of milliseconds per request on a disk and nothing on tmpfs.
    /// Directly in the shared temporary folder, which anyone may create in (PostgreSQL's initdb runs as another user).</summary>
    public string DataDir { get; } = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "powerview-server-" + Guid.NewGuid().ToString("N"));

    /// <summary>What the log lines are headed with: the program and where it listens.</summary>
    protected abstract string Name { get; }

    /// <summary>How many of the server's lines are kept (the last ones), and how many a failure prints.</summary>
    protected virtual (int Kept, int Printed) LogLines => (400, 400);

    /// <summary>Skips the calling test with a visible reason when the program is missing, or fails it under CI.</summary>
    public void Require()
    {
        if (MissingReason is not null)
        {
            throw InstalledTools.SkipOrFail(MissingReason);
        }
    }

    /// <summary>The last lines the server and its tools printed (stdout and stderr), for failure messages.</summary>
    public string RecentLog()
    {
        var lines = _log.TakeLast(LogLines.Printed).ToList();
        return $"--- last {lines.Count} lines of {Name} ---\n" + string.Join('\n', lines);
    }

    /// <summary>Every line kept, for tests that look for a server's own messages.</summary>
    protected IEnumerable<string> LogLinesKept => _log;

    public async ValueTask InitializeAsync()
    {
        MissingReason = FindProgram();
        if (MissingReason is not null)
        {
            return;
        }

        await PrepareAsync();
        // A free port can be taken by someone else between our probe and the server's bind: try again then.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            _process = Start(StartInfo(Port));
            if (await WaitUntilReadyAsync(_process))
            {
                return;
            }

            await StopAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"{Name} was not ready within {StartTimeout.TotalSeconds} s\n{RecentLog()}");
            }
        }
    }

    /// <summary>
    /// Ends the server at once, SIGKILL (no shutdown code of its own runs), as a crash or the kernel's OOM killer would;
    /// what it left behind (files, rows, locks) stays. Returns once the process is gone.
    /// </summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(wait.Token);
        }
    }

    /// <summary>Looks for the program; null when found, else why the tests cannot run (with the install hint).</summary>
    protected abstract string? FindProgram();

    /// <summary>What comes before the first start (creating a cluster, say).</summary>
    protected virtual Task PrepareAsync()
    {
        Directory.CreateDirectory(DataDir);
        return Task.CompletedTask;
    }

    /// <summary>The server listening on <paramref name="port"/> with its data under <see cref="DataDir"/>.</summary>
    protected abstract ProcessStartInfo StartInfo(int port);

    /// <summary>One probe: true once the server answers as it does when ready.</summary>
    protected abstract Task<bool> IsReadyAsync();

    /// <summary>Stops a server that is still running; a kill by default.</summary>
    protected virtual Task ShutDownAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        DisposeClients();
        try
        {
            if (Directory.Exists(DataDir))
            {
                Directory.Delete(DataDir, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the OS temp cleaner (a non-root run cannot always delete what a server left).
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Drops what talks to the server (HTTP clients, connection pools) once it is stopped.</summary>
    protected virtual void DisposeClients()
    {
    }

    protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a tool of the server to its end (bounded), its output kept with the server's.</summary>
    protected async Task<int> RunToEndAsync(ProcessStartInfo info)
    {
        using var process = Start(info);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{info.FileName} {string.Join(' ', info.ArgumentList)} did not end within {StartTimeout.TotalSeconds} s\n{RecentLog()}");
        }

        return process.ExitCode;
    }

    private Process Start(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<bool> WaitUntilReadyAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout && !process.HasExited)
        {
            if (await IsReadyAsync())
            {
                return true;
            }

            // Polling the server's readiness (bounded by StartTimeout), not sleeping as synchronisation.
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
                await ShutDownAsync(process);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
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
        while (_log.Count > LogLines.Kept && _log.TryDequeue(out _))
        {
        }
    }
}

/// <summary>A server with an HTTP API and a <c>/ping</c> that answers 2xx once it is ready (influxd, VictoriaMetrics).</summary>
public abstract class HttpServerProcess : ServerProcess
{
    private string? _binary;

    /// <summary>Executable name, looked up on PATH.</summary>
    protected abstract string BinaryName { get; }

    /// <summary>The Debian package that provides it.</summary>
    protected abstract string PackageName { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>An HTTP client for the server (no proxy: loopback only).</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    protected override string Name => $"{BinaryName} ({BaseUrl})";

    protected override string? FindProgram()
    {
        _binary = InstalledTools.FindOnPath(BinaryName);
        return _binary is null ? $"{BinaryName} not installed: apt-get install {PackageName}" : null;
    }

    protected override ProcessStartInfo StartInfo(int port)
    {
        var info = new ProcessStartInfo(_binary!);
        Configure(info, port);
        return info;
    }

    /// <summary>Arguments and environment for a server listening on <paramref name="port"/> with its data under <see cref="ServerProcess.DataDir"/>.</summary>
    protected abstract void Configure(ProcessStartInfo info, int port);

    protected override async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(BaseUrl, "ping"));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false; // Not listening yet.
        }
    }

    protected override void DisposeClients() => Http.Dispose();
}
