using System.Diagnostics;
using Npgsql;

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
public sealed class PostgreSqlServer : ServerProcess
{
    private const string PreferredVersion = "15";

    private string? _bin;
    private int _databases;

    /// <summary>The server's major version (the folder under /usr/lib/postgresql).</summary>
    public string Version => _bin is null ? "?" : Path.GetFileName(Path.GetDirectoryName(_bin)!);

    /// <summary>Connection string of the <c>postgres</c> maintenance database.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    protected override string Name => $"PostgreSQL {Version} (127.0.0.1:{Port}, {DataDir})";

    // Enough for every test of the class to find its database's errors (ErrorsIn); a failure prints the last ones.
    protected override (int Kept, int Printed) LogLines => (5000, 300);

    /// <summary>The server's <c>ERROR</c> lines for the database of <paramref name="connectionString"/> (a statement that failed).</summary>
    public IReadOnlyList<string> ErrorsIn(string connectionString)
    {
        var marker = $" {new NpgsqlConnectionStringBuilder(connectionString).Database} ERROR:  ";
        return LogLinesKept.Where(l => l.Contains(marker, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..]).ToList();
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

    protected override string? FindProgram()
    {
        _bin = FindBinaries();
        return _bin is null ? "PostgreSQL not installed (no /usr/lib/postgresql/*/bin/postgres): apt-get install postgresql" : null;
    }

    protected override async Task PrepareAsync()
    {
        // initdb creates the folder itself (as the postgres user when we are root): /dev/shm and /tmp let anyone do that.
        var initdb = await RunToEndAsync(Command("initdb",
            "-D", DataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"));
        if (initdb != 0)
        {
            throw new InvalidOperationException($"initdb exited with {initdb}\n{RecentLog()}");
        }
    }

    protected override ProcessStartInfo StartInfo(int port) => Command("postgres",
        "-D", DataDir, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
        // Speed over durability: the cluster is deleted at the end anyway.
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        "-c", "max_connections=200", "-c", "log_min_messages=warning",
        // The database in each session's lines, so a test can find the errors of its own database.
        "-c", "log_line_prefix=%m [%p] %q%d ");

    protected override async Task<bool> IsReadyAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString);
            await connection.OpenAsync();
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return false; // Not listening yet, or still starting up ("the database system is starting up").
        }
    }

    /// <summary>An orderly immediate shutdown (the postmaster removes its shared memory and socket lock); the base kills it if that does not do it.</summary>
    protected override Task ShutDownAsync(Process process) =>
        RunToEndAsync(Command("pg_ctl", "stop", "-D", DataDir, "-m", "immediate", "-w", "-t", "10"));

    /// <summary>Pooled connections of the tests' hosts point at this server: dropped when it goes.</summary>
    protected override void DisposeClients() => NpgsqlConnection.ClearAllPools();

    /// <summary>Runs a PostgreSQL program, as the postgres user when we are root (PostgreSQL refuses root).</summary>
    private ProcessStartInfo Command(string program, params string[] arguments)
    {
        var binary = Path.Combine(_bin!, program);
        var info = new ProcessStartInfo
        {
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
}
