using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Infrastructure.Servers;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's binaries (<c>/usr/lib/postgresql/15/bin</c>, another major
/// version when 15 is absent), started for one test class (class fixture): <c>initdb</c> into a fresh folder in
/// /dev/shm, <c>postgres</c> in the foreground on a free loopback port (TCP on 127.0.0.1 only, no Unix socket,
/// trust authentication, no fsync: nothing here must survive), stopped and deleted afterwards. Readiness is a
/// poll of a real connection with a bounded timeout. PostgreSQL refuses to run as root, and the tests run as
/// root in CI: then initdb, postgres and pg_ctl run as the <c>postgres</c> system user (<c>setpriv</c>), which
/// also owns the data folder since initdb creates it. Tests get their own database each (<see cref="CreateDatabaseAsync"/>).
/// A missing binary skips with the install hint, or fails under <c>CI=true</c> (<see cref="Require"/>).
/// </summary>
public sealed class PostgreSqlServer : IAsyncLifetime
{
    private const string PreferredVersion = "15";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    // Enough for every test of the class to find its database's errors (ErrorsIn); a failure prints the last ones.
    private const int KeptLogLines = 5000;
    private const int PrintedLogLines = 300;

    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;
    private string? _bin;
    private int _databases;

    /// <summary>Why the tests cannot run here (PostgreSQL not installed), or null.</summary>
    public string? MissingReason { get; private set; }

    public int Port { get; private set; }

    /// <summary>The server's major version (the folder under /usr/lib/postgresql).</summary>
    public string Version => _bin is null ? "?" : Path.GetFileName(Path.GetDirectoryName(_bin)!);

    /// <summary>The cluster: created by initdb (as the postgres user when we are root), in memory when the machine has /dev/shm.</summary>
    public string DataDir { get; } = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "powerview-postgres-" + Guid.NewGuid().ToString("N"));

    /// <summary>Connection string of the <c>postgres</c> maintenance database.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public void Require()
    {
        if (MissingReason is not null)
        {
            throw InstalledTools.SkipOrFail(MissingReason);
        }
    }

    /// <summary>The last lines the server and its tools printed, for failure messages.</summary>
    public string RecentLog()
    {
        var lines = _log.TakeLast(PrintedLogLines).ToList();
        return $"--- last {lines.Count} lines of PostgreSQL {Version} (127.0.0.1:{Port}, {DataDir}) ---\n" + string.Join('\n', lines);
    }

    /// <summary>The server's <c>ERROR</c> lines for the database of <paramref name="connectionString"/> (a statement that failed).</summary>
    public IReadOnlyList<string> ErrorsIn(string connectionString)
    {
        var marker = $" {new NpgsqlConnectionStringBuilder(connectionString).Database} ERROR:  ";
        return _log.Where(l => l.Contains(marker, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..]).ToList();
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Timeout = 15,
    }.ConnectionString;

    /// <summary>A new, empty database (one per test, so tests never see each other's jobs); returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return ConnectionString(name);
    }

    public async ValueTask InitializeAsync()
    {
        _bin = FindBinaries();
        if (_bin is null)
        {
            MissingReason = "PostgreSQL not installed (no /usr/lib/postgresql/*/bin/postgres): apt-get install postgresql";
            return;
        }

        // initdb creates the folder itself (as the postgres user when we are root): /dev/shm and /tmp let anyone do that.
        var initdb = await RunToEndAsync(Command("initdb",
            "-D", DataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"));
        if (initdb != 0)
        {
            throw new InvalidOperationException($"initdb exited with {initdb}\n{RecentLog()}");
        }

        // A free port can be taken by someone else between our probe and the server's bind: try again then.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var info = Command("postgres",
                "-D", DataDir, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                // Speed over durability: the cluster is deleted at the end anyway.
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=200", "-c", "log_min_messages=warning",
                // The database in each session's lines, so a test can find the errors of its own database.
                "-c", "log_line_prefix=%m [%p] %q%d ");
            _process = Process.Start(info) ?? throw new InvalidOperationException("postgres did not start");
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
                throw new InvalidOperationException($"PostgreSQL did not accept connections within {StartTimeout.TotalSeconds} s\n{RecentLog()}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled connections of the tests' hosts point at this server: drop them before it goes.
        NpgsqlConnection.ClearAllPools();
        await StopAsync();
        try
        {
            if (Directory.Exists(DataDir))
            {
                Directory.Delete(DataDir, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the OS temp cleaner (a non-root run cannot always delete what the server left).
        }
    }

    /// <summary>Runs a PostgreSQL program, as the postgres user when we are root (PostgreSQL refuses root).</summary>
    private ProcessStartInfo Command(string program, params string[] arguments)
    {
        var binary = Path.Combine(_bin!, program);
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The postgres user cannot enter the test's working folder (under /root in CI).
            WorkingDirectory = "/",
        };
        if (Environment.IsPrivilegedProcess)
        {
            // setpriv executes the program in place (no extra parent process, unlike runuser): the Process we
            // hold is the postmaster itself.
            info.FileName = "setpriv";
            foreach (var a in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--", binary })
            {
                info.ArgumentList.Add(a);
            }
        }
        else
        {
            info.FileName = binary;
        }

        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["LC_ALL"] = "C";
        return info;
    }

    private async Task<int> RunToEndAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{string.Join(' ', info.ArgumentList)} did not end within {StartTimeout.TotalSeconds} s\n{RecentLog()}");
        }

        return process.ExitCode;
    }

    private async Task<bool> WaitUntilReadyAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout && !process.HasExited)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString);
                await connection.OpenAsync();
                return true;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // Not listening yet, or still starting up ("the database system is starting up").
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
                // An orderly immediate shutdown (the postmaster removes its shared memory and socket lock), and
                // a kill if that does not do it within the bound.
                await RunToEndAsync(Command("pg_ctl", "stop", "-D", DataDir, "-m", "immediate", "-w", "-t", "10"));
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

    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "postgres")) && File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => Path.GetFileName(Path.GetDirectoryName(b)) == PreferredVersion)
            .ThenByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
