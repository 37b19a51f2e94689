using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using PowerView.Api.Configuration;
using PowerView.Api.Runs;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Benchmarks.Monitoring;

/// <summary>
/// Seeds a run store with N runs, starts the service from its build output as its own process on a
/// loopback port (Production environment, Release when this tool runs in Release), and measures the
/// monitoring endpoints over HTTP: sequential latencies (p50/p95/p99) per endpoint, then a concurrent
/// run. Prints a Markdown report; exits 1 when /api/runs?limit=100 or /api/campaigns is at or over
/// 20 ms at the 95th percentile. The store is the embedded SQLite file, or with <c>--store postgresql
/// --connection "Host=…;Database=…"</c> the PostgreSQL run store in that database, which must hold no runs yet.
/// </summary>
internal static class MonitoringBenchmark
{
    private const string AdminKey = "bench-admin-key-0123456789abcdef012345";
    private const string CompanyKey = "bench-company03-key-0123456789abcdef01";
    private const double TargetP95Ms = 20;

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Option(args, "--runs", 100_000);
        var requests = Option(args, "--requests", 2000);
        var concurrency = Option(args, "--concurrency", 4);
        var keep = args.Contains("--keep");
        var postgres = OptionText(args, "--store", "sqlite").Equals("postgresql", StringComparison.OrdinalIgnoreCase);
        var connection = OptionText(args, "--connection", "");
        // --seeded: the database holds the store an earlier run seeded (same --runs): measure again without seeding.
        var seeded = args.Contains("--seeded");
        if (postgres && connection.Length == 0)
        {
            Console.Error.WriteLine("--store postgresql needs --connection \"Host=…;Port=…;Username=…;Database=<an empty database>\"");
            return 2;
        }

        var root = Path.Combine(Path.GetTempPath(), "powerview-bench", Guid.NewGuid().ToString("N"));
        var paths = new PowerViewPaths(Path.Combine(root, "data"), Path.Combine(root, "state"));
        Directory.CreateDirectory(paths.DataRoot);
        var now = DateTimeOffset.UtcNow;

        Console.WriteLine($"# Monitoring API benchmark, {now:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformationText()}; build {Configuration()}; state in {root}");
        Console.WriteLine();

        SeedFigures seed;
        string storeText;
        if (postgres)
        {
            (seed, storeText) = await SeedPostgreSqlAsync(connection, runs, now, seeded);
            if (seed.Runs < 0)
            {
                return 2;
            }
        }
        else
        {
            (seed, storeText) = await SeedSqliteAsync(paths, runs, now);
        }

        Console.WriteLine(seeded ? $"Measured again on the store seeded by an earlier run; {storeText}" : string.Create(CultureInfo.InvariantCulture,
            $"Seeded {seed.Runs:N0} runs (+{RunSeeder.Companies * (RunSeeder.CampaignsPerCompany + 1)} provisioning runs) in {seed.Elapsed.TotalSeconds:0.0} s "
            + $"({seed.Runs / seed.Elapsed.TotalSeconds:N0} runs/s); one RecordAsync (run + summaries, own transaction): "
            + $"p50 {seed.PerInsert.P50:0.00} ms, p95 {seed.PerInsert.P95:0.00} ms, p99 {seed.PerInsert.P99:0.00} ms; {storeText}"));
        Console.WriteLine();

        var port = FreePort();
        using var service = StartService(paths, root, port, postgres ? connection : null);
        var failed = false;
        try
        {
            using var admin = Client(port, AdminKey);
            using var company = Client(port, CompanyKey);
            await WaitAliveAsync(admin, service);
            var someRun = (await admin.GetFromJsonAsync("/api/runs?limit=1&status=success"))[0].GetProperty("id").GetString();
            var someFile = (await admin.GetFromJsonAsync("/api/runs?limit=1&company=company03&status=error"))[0].GetProperty("fileName").GetString();
            var dayAgo = now.AddDays(-1).ToUnixTimeMilliseconds();
            var nowMs = now.ToUnixTimeMilliseconds();
            var yearAgo = now.AddDays(-365).ToUnixTimeMilliseconds();

            var cases = new (string Name, HttpClient Client, string Url, bool Target)[]
            {
                ("latest runs", admin, "/api/runs?limit=100", true),
                ("campaigns", admin, "/api/campaigns", true),
                ("latest runs, company key", company, "/api/runs?limit=100", false),
                ("campaigns, company key", company, "/api/campaigns", false),
                ("runs of a company", admin, "/api/runs?company=company03&limit=100", false),
                ("runs of two companies", admin, "/api/runs?company=company03,company07&limit=100", false),
                ("runs of a campaign", admin, "/api/runs?company=company03&campaign=campaign2&limit=100", false),
                ("runs of a device", admin, "/api/runs?device=02000042&limit=100", false),
                ("history of one file", admin, $"/api/runs?file={someFile}", false),
                ("errors", admin, "/api/errors?limit=100", false),
                ("errors of a company", admin, "/api/errors?company=company03&limit=100", false),
                ("Grafana: last 24 h, 1000 rows", admin, $"/api/runs?from={dayAgo}&to={nowMs}&limit=1000", false),
                ("one campaign with devices", admin, "/api/campaigns/company03/campaign2", false),
                ("points per day, 365 days", admin, $"/api/stats/daily?from={yearAgo}&to={nowMs}", false),
                ("one full report", admin, $"/api/runs/{someRun}", false),
            };

            // Warm up every route first (JIT tiering, SQLite page cache), so the first row measured pays no more than the last.
            foreach (var (_, client, url, _) in cases)
            {
                for (var i = 0; i < 300; i++)
                {
                    await GetAsync(client, url);
                }
            }

            Console.WriteLine($"Sequential: {requests} requests per row after 400 warm-up requests, one keep-alive connection; milliseconds.");
            Console.WriteLine();
            Console.WriteLine("| request | rows | bytes | p50 | p95 | p99 | max | mean |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (name, client, url, target) in cases)
            {
                var (rows, bytes) = await ShapeAsync(client, url);
                var figures = await MeasureAsync(client, url, requests, 1);
                Console.WriteLine($"| {name} `{Shorten(url)}` | {rows} | {bytes:N0} {figures}");
                failed |= target && figures.P95 >= TargetP95Ms;
            }

            Console.WriteLine();
            Console.WriteLine($"Concurrent: {concurrency} clients, {requests} requests in all, per URL.");
            Console.WriteLine();
            Console.WriteLine("| request | requests/s | p50 | p95 | p99 | max | mean |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var url in new[] { "/api/runs?limit=100", "/api/campaigns" })
            {
                var clock = Stopwatch.StartNew();
                var figures = await MeasureAsync(admin, url, requests, concurrency);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{url}` | {requests / clock.Elapsed.TotalSeconds:N0} {figures}"));
            }

            Console.WriteLine();
            Console.WriteLine(failed
                ? $"FAIL: a target endpoint is at or over {TargetP95Ms} ms at p95"
                : $"PASS: /api/runs?limit=100 and /api/campaigns under {TargetP95Ms} ms at p95");
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
            if (!keep)
            {
                Directory.Delete(root, recursive: true);
            }
        }

        return failed ? 1 : 0;
    }

    private static async Task<Percentiles> MeasureAsync(HttpClient client, string url, int requests, int concurrency)
    {
        for (var i = 0; i < 100; i++)
        {
            await GetAsync(client, url);
        }

        var latencies = new double[requests];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var start = Stopwatch.GetTimestamp();
                await GetAsync(client, url);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        return Percentiles.Of(latencies);
    }

    private static async Task GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}");
        }
    }

    private static async Task<(string Rows, long Bytes)> ShapeAsync(HttpClient client, string url)
    {
        var body = await client.GetByteArrayAsync(url);
        var json = JsonDocument.Parse(body).RootElement;
        var rows = json.ValueKind == JsonValueKind.Array ? json.GetArrayLength().ToString(CultureInfo.InvariantCulture)
            : json.TryGetProperty("devices", out var devices) ? $"1 + {devices.GetArrayLength()} devices" : "1";
        return (rows, body.Length);
    }

    private static async Task<(SeedFigures, string)> SeedSqliteAsync(PowerViewPaths paths, int runs, DateTimeOffset now)
    {
        SeedFigures seed;
        using (var store = new SqliteRunStore(paths, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteRunStore>.Instance))
        {
            await store.InitializeAsync(CancellationToken.None);
            seed = await RunSeeder.SeedAsync(store, runs, now, CancellationToken.None);
        }

        string sqliteVersion;
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={paths.RunStoreFile()}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT sqlite_version()";
            sqliteVersion = (string)(await command.ExecuteScalarAsync())!;
        }

        var dbBytes = new DirectoryInfo(paths.StateDir).EnumerateFiles("runs.db*").Sum(f => f.Length);
        return (seed, string.Create(CultureInfo.InvariantCulture, $"store {dbBytes / 1048576.0:0.0} MiB (SQLite {sqliteVersion})"));
    }

    /// <summary>
    /// Seeds through the PostgreSQL store itself; its connections commit asynchronously (synchronous_commit = off for
    /// this session only), so a disk's fsync per run does not make seeding 100,000 runs take many minutes. What is
    /// measured afterwards (reads through the service) does not depend on it.
    /// </summary>
    private static async Task<(SeedFigures, string)> SeedPostgreSqlAsync(string connection, int runs, DateTimeOffset now, bool seeded)
    {
        var seeding = new Npgsql.NpgsqlConnectionStringBuilder(connection) { Options = "-c synchronous_commit=off" }.ConnectionString;
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Runs"] = seeding }).Build();
        SeedFigures seed;
        using (var store = new PostgreSqlRunStore(configuration, Microsoft.Extensions.Logging.Abstractions.NullLogger<PostgreSqlRunStore>.Instance))
        {
            await store.InitializeAsync(CancellationToken.None);
            var holdsRuns = (await store.ListRunsAsync(new RunQuery { Limit = 1 }, CancellationToken.None)).Count > 0;
            if (holdsRuns != seeded)
            {
                Console.Error.WriteLine(seeded
                    ? $"{store.Description} holds no runs: seed it first (without --seeded)"
                    : $"{store.Description} already holds runs: give the benchmark an empty database, or --seeded to measure it again");
                return (new SeedFigures(-1, TimeSpan.Zero, Percentiles.Of([0])), "");
            }

            seed = seeded
                ? new SeedFigures(runs, TimeSpan.FromTicks(1), Percentiles.Of([0]))
                : await RunSeeder.SeedAsync(store, runs, now, CancellationToken.None);
        }

        await using var db = new Npgsql.NpgsqlConnection(connection);
        await db.OpenAsync();
        // Fresh statistics, as autovacuum would have gathered on a store that grew over a year.
        await using (var analyze = new Npgsql.NpgsqlCommand($"ANALYZE {PostgreSqlRunStoreSchema.Schema}.runs; ANALYZE {PostgreSqlRunStoreSchema.Schema}.campaigns; ANALYZE {PostgreSqlRunStoreSchema.Schema}.devices; ANALYZE {PostgreSqlRunStoreSchema.Schema}.daily", db))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        await using var size = new Npgsql.NpgsqlCommand($"""
            SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = '{PostgreSqlRunStoreSchema.Schema}' AND c.relkind = 'r')::bigint, version()
            """, db);
        await using var reader = await size.ExecuteReaderAsync();
        await reader.ReadAsync();
        var bytes = reader.GetInt64(0);
        var version = reader.GetString(1).Split(" on ")[0];
        return (seed, string.Create(CultureInfo.InvariantCulture, $"store {bytes / 1048576.0:0.0} MiB with indexes and TOAST ({version})"));
    }

    private static Process StartService(PowerViewPaths paths, string root, int port, string? postgres)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "PowerView.Api.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["PowerView__DataRoot"] = paths.DataRoot;
        start.Environment["PowerView__StateDir"] = paths.StateDir;
        start.Environment["PowerView__HookSecret"] = "bench-hook-secret-0123456789abcdef0123";
        start.Environment["PowerView__AdminKey"] = AdminKey;
        start.Environment["PowerView__CompanyKeys__company03"] = CompanyKey;
        start.Environment["Ingestion__SweepIntervalSeconds"] = "86400";
        // The seeded year must stay 100,000 runs: no start-up purge of its oldest hours.
        start.Environment["Runs__RetentionDays"] = "0";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        if (postgres is not null)
        {
            start.Environment["Runs__Storage"] = "PostgreSql";
            start.Environment["ConnectionStrings__Runs"] = postgres;
        }

        start.Environment["Serilog__MinimumLevel__Override__Microsoft.AspNetCore"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the service did not start");
        var log = new StreamWriter(Path.Combine(root, "service.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitAliveAsync(HttpClient client, Process service)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (service.HasExited)
            {
                throw new InvalidOperationException($"the service exited with code {service.ExitCode} (see service.log; run with --keep)");
            }

            try
            {
                using var response = await client.GetAsync("/alive");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the service did not answer /alive within 60 s");
    }

    private static HttpClient Client(int port, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<JsonElement> GetFromJsonAsync(this HttpClient client, string url) =>
        JsonDocument.Parse(await client.GetStringAsync(url)).RootElement.Clone();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string OptionText(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    private static string Shorten(string url) => url.Length > 60 ? url[..57] + "..." : url;

    private static string Configuration() =>
        typeof(SqliteRunStore).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "?";

    private static string RuntimeInformationText() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
}
