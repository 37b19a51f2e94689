using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Hangfire;
using Hangfire.States;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using PowerView.Api.Jobs;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Servers;

namespace PowerView.Api.Tests.Jobs;

/// <summary>
/// <c>Jobs:Storage=PostgreSql</c> on a real PostgreSQL (a throwaway cluster per class, a database per test):
/// Hangfire.PostgreSql installs its schema, and instances sharing the database and the data root ingest each
/// file once however many events and sweeps arrive on either of them. The instances are hosts in this process
/// with their own services (claims, workers, runs, state folder); they meet only in PostgreSQL and on the
/// data root, as separate processes would.
/// </summary>
public sealed class PostgreSqlJobsTests(PostgreSqlServer pg) : IClassFixture<PostgreSqlServer>, IDisposable
{
    private const string Sample = "company1/T302_251012_031720.tsv";
    private const string FileName = "T302_251012_031720.tsv";

    [Fact]
    public async Task OneInstanceCreatesTheSchemaAndIngestsAHookedFileEndToEnd()
    {
        pg.Require();
        var database = await pg.CreateDatabaseAsync();
        using var folder = new TempFolder();
        var states = new JobStates();
        await using var app = Instance(folder, database, states);
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'hangfire'"));

        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);
        var (code, answer) = await HookCalls.PostAsync(client, HookCalls.Upload(path));
        var jobId = answer.GetProperty("jobId").GetString()!;
        var run = await app.WaitForRunAsync(r => r.FileName == FileName);
        await states.WaitForAsync(SucceededState.StateName, jobId);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("queued", answer.GetProperty("status").GetString());
        Assert.Equal((RunStatus.Success, RunTrigger.Hook), (run.Status, run.Trigger));
        Assert.False(File.Exists(path));
        Assert.True(File.Exists(Path.Combine(folder.DataRoot, "acme/site1/02000800/parsed", FileName)));
        var lines = LineProtocolFiles(folder).SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(run.Counters.PointsWritten, lines.Count);
        Assert.True(run.Counters.PointsWritten > 4000);
        // In PostgreSQL: Hangfire's schema with the one job, succeeded, and no claim or claim lock left behind.
        Assert.Equal(SucceededState.StateName, await CommittedStateAsync(database, jobId, SucceededState.StateName));
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.job"));
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.hash WHERE key LIKE 'powerview:claim:%'"));
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.lock WHERE resource LIKE '%powerview:claim:%'"));
        AssertNoFailedStatements(database);
    }

    [Fact]
    public async Task TwoInstancesStartedTogetherOnOneDatabaseAndDataRootIngestAFileOnceForFiftyEventsAndSweeps()
    {
        pg.Require();
        var database = await pg.CreateDatabaseAsync();
        var states = new JobStates();
        await using var instances = new TwoInstances(database, states);
        var (a, b) = (instances.A, instances.B);
        // Both install the schema at once. Without the install lock (JobsExtensions), the one that lost the race
        // failed on Hangfire.PostgreSql's first script ("duplicate key value violates unique constraint
        // pg_namespace_nspname_index", seen by AssertNoFailedStatements) and logged an error.
        await instances.StartAsync();
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.schema"));
        var path = instances.FolderA.PlaceSample(Sample);

        var (answers, summaries) = await instances.AllAtOnceAsync([path], eventsPerFile: 50, sweepsPerInstance: 3);
        var jobId = await states.WaitForAsync(SucceededState.StateName);

        Assert.All(answers, x => Assert.Equal(HttpStatusCode.OK, x.Code));
        var statuses = answers.Select(x => x.Body.GetProperty("status").GetString()).ToList();
        Assert.All(statuses, s => Assert.Contains(s, new[] { "queued", "duplicate", "ignored" }));
        Assert.Equal(1, statuses.Count(s => s == "queued") + summaries.Sum(s => s.Queued));
        // Every answer that names a job names the same one, whichever instance gave it.
        Assert.All(answers.Where(x => x.Body.TryGetProperty("jobId", out JsonElement _)), x => Assert.Equal(jobId, x.Body.GetProperty("jobId").GetString()));
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.job"));
        var runs = a.Runs.Of(FileName).Concat(b.Runs.Of(FileName)).ToList();
        Assert.Equal(RunStatus.Success, Assert.Single(runs).Status);
        Assert.Single(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(path)!, "parsed")));
        Assert.False(File.Exists(path));
        Assert.Single(LineProtocolFiles(instances.FolderA).Concat(LineProtocolFiles(instances.FolderB)));
        AssertNoFailedStatements(database);
    }

    [Fact]
    public async Task SeveralFilesPostedToBothInstancesAreEachIngestedOnce()
    {
        pg.Require();
        var database = await pg.CreateDatabaseAsync();
        var states = new JobStates();
        await using var instances = new TwoInstances(database, states);
        var (a, b) = (instances.A, instances.B);
        await instances.StartAsync();
        string[] samples = ["0_camp_base-parsed/T302_251025_031739.tsv", "0_camp_base-parsed/T302_251026_031500.tsv",
            "0_camp_base-parsed/T302_251027_031520.tsv", "0_camp_base-parsed/T302_251028_031519.tsv", Sample];
        var paths = samples.Select((s, i) => instances.FolderA.PlaceSample(s, device: $"0200080{i}")).ToList();

        // Ten events per file, alternating between the instances, all at once, with two sweeps on each.
        var (answers, summaries) = await instances.AllAtOnceAsync(paths, eventsPerFile: 10, sweepsPerInstance: 2);
        // Every job was created before its hook answer or its sweep returned.
        var jobIds = await ColumnAsync(database, "SELECT id FROM hangfire.job ORDER BY id");
        foreach (var id in jobIds)
        {
            await states.WaitForAsync(SucceededState.StateName, id);
        }

        Assert.All(answers, x => Assert.Equal(HttpStatusCode.OK, x.Code));
        Assert.Equal(paths.Count, answers.Count(x => x.Body.GetProperty("status").GetString() == "queued") + summaries.Sum(s => s.Queued));
        Assert.Equal(paths.Count, jobIds.Count);
        foreach (var path in paths)
        {
            var name = Path.GetFileName(path);
            var device = Path.GetFileName(Path.GetDirectoryName(path))!;
            var runs = a.Runs.Of(name).Concat(b.Runs.Of(name)).Where(r => r.DeviceMasterSn == device).ToList();
            Assert.Equal(RunStatus.Success, Assert.Single(runs).Status);
            Assert.False(File.Exists(path));
            Assert.Equal([name], Directory.GetFiles(Path.Combine(Path.GetDirectoryName(path)!, "parsed")).Select(Path.GetFileName));
        }

        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.hash WHERE key LIKE 'powerview:claim:%'"));
        AssertNoFailedStatements(database);
    }

    [Fact]
    public async Task AJobQueuedOnAnInstanceWithoutWorkersIsRunByTheOtherInstance()
    {
        pg.Require();
        var database = await pg.CreateDatabaseAsync();
        var states = new JobStates();
        // A answers hooks and sweeps but runs no Hangfire server (as when its workers are down or all busy).
        await using var instances = new TwoInstances(database, states, servicesOfA: WithoutJobServers);
        var (a, b) = (instances.A, instances.B);
        await instances.StartAsync();
        var path = instances.FolderA.PlaceSample(Sample);

        var (code, answer) = await HookCalls.PostAsync(instances.ClientA, HookCalls.Upload(path));
        var run = await b.WaitForRunAsync(r => r.FileName == FileName);
        await states.WaitForAsync(SucceededState.StateName, answer.GetProperty("jobId").GetString());

        Assert.Empty(a.Services.GetServices<IHostedService>().OfType<BackgroundJobServerHostedService>());
        // Only B's ingest server is registered in the shared storage (the one that ran the job).
        Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.server WHERE data::text LIKE '%\"ingest\"%'"));
        Assert.Equal((HttpStatusCode.OK, "queued"), (code, answer.GetProperty("status").GetString()));
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Empty(a.Runs.Of(FileName));
        Assert.True(File.Exists(Path.Combine(instances.FolderA.DataRoot, "acme/site1/02000800/parsed", FileName)));
        Assert.Empty(LineProtocolFiles(instances.FolderA));
        Assert.Single(LineProtocolFiles(instances.FolderB));
    }

    [Fact]
    public async Task InstancesSharingTheStorageSweepOneAtATimeAndTheOneWhoseTurnIsTakenSkipsIt()
    {
        pg.Require();
        var database = await pg.CreateDatabaseAsync();
        var states = new JobStates();
        await using var instances = new TwoInstances(database, states);
        var (a, b) = (instances.A, instances.B);
        await instances.StartAsync();
        var path = instances.FolderA.PlaceSample(Sample);
        var ct = TestContext.Current.CancellationToken;

        SweepSummary? whileBSweeps;
        using (var connection = b.Services.GetRequiredService<JobStorage>().GetConnection())
        using (connection.AcquireDistributedLock(Sweeper.LockName, TimeSpan.FromSeconds(10)))
        {
            whileBSweeps = a.Services.GetRequiredService<Sweeper>().SweepUnlessBusy(ct);
        }

        var afterwards = a.Services.GetRequiredService<Sweeper>().SweepUnlessBusy(ct);
        // The job is run by whichever instance's worker takes it first.
        await states.WaitForAsync(SucceededState.StateName);
        var run = Assert.Single(a.Runs.Of(FileName).Concat(b.Runs.Of(FileName)));

        Assert.Null(whileBSweeps);
        Assert.NotNull(afterwards);
        Assert.Equal(1, afterwards.Queued);
        Assert.Equal((RunStatus.Success, RunTrigger.Sweep), (run.Status, run.Trigger));
        Assert.False(File.Exists(path));
        Assert.Contains(a.Logs.All, e => e.MessageTemplate.Text.StartsWith("Sweep skipped", StringComparison.Ordinal));
        // Both turns gave the lock back.
        Assert.Equal(0L, await ScalarAsync<long>(database, $"SELECT count(*) FROM hangfire.lock WHERE resource LIKE '%{Sweeper.LockName}%'"));
        AssertNoFailedStatements(database);
    }

    [Fact]
    public async Task InstancesSharingTheStorageShareTheKeyRingSoOneReadsWhatTheOtherProtected()
    {
        pg.Require();
        var database = await pg.CreateDatabaseAsync();
        var states = new JobStates();
        await using var instances = new TwoInstances(database, states);
        var (a, b) = (instances.A, instances.B);
        await instances.StartAsync();
        // What the dashboard's antiforgery does with its token: the page from one instance, the POST to the other.
        const string Purpose = "Microsoft.AspNetCore.Antiforgery.AntiforgeryToken.v1";

        var (protectA, protectB) = (a.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose),
            b.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose));

        Assert.Equal("from A", protectB.Unprotect(protectA.Protect("from A")));
        Assert.Equal("from B", protectA.Unprotect(protectB.Protect("from B")));
        // Started together on an empty ring, each may have added a key: both are in the ring, and each reads the other's.
        Assert.InRange(await ScalarAsync<long>(database, "SELECT count(*) FROM powerview_jobs.data_protection_keys"), 1, 2);
        AssertNoFailedStatements(database);
    }

    [Theory]
    [InlineData("Jobs:InvisibilityTimeoutSeconds", "4", "Jobs:InvisibilityTimeoutSeconds must be between 5 and 86400")]
    [InlineData("Jobs:InvisibilityTimeoutSeconds", "86401", "Jobs:InvisibilityTimeoutSeconds must be between 5 and 86400")]
    [InlineData("Jobs:QueuePollIntervalSeconds", "0", "Jobs:QueuePollIntervalSeconds must be between 1 and 3600")]
    public async Task ATakeOverBoundOutOfRangeStopsTheStartWithTheKey(string key, string value, string message)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { [key] = value });

        var refusal = app.StartupRefusal();

        Assert.Contains(message, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgreSqlStorageWithoutAConnectionStringStopsTheStartWithTheKey()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Jobs:Storage"] = "PostgreSql" });

        var refusal = app.StartupRefusal();

        Assert.Contains("ConnectionStrings:Hangfire is required when Jobs:Storage is PostgreSql", refusal, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        // xunit sets the test's result before the test class is disposed.
        if (TestContext.Current.TestState?.Result == TestResult.Failed && pg.MissingReason is null)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(pg.RecentLog());
        }
    }

    private static PowerViewApplication Instance(TempFolder folder, string database, JobStates states, string? dataRoot = null, Action<IServiceCollection>? services = null) =>
        new(folder, new Dictionary<string, string?>
        {
            ["Jobs:Storage"] = "PostgreSql",
            ["ConnectionStrings:Hangfire"] = database,
            ["Jobs:WorkerCount"] = "2",
            ["PowerView:DataRoot"] = dataRoot ?? folder.DataRoot,
            // Sweeps take a file at once (the start-up sweep runs before the test places any).
            ["Ingestion:SettleSeconds"] = "0",
        })
        {
            // One JobStates for both instances: a job's states are applied by whichever instance handles it.
            TestServices = s =>
            {
                s.AddSingleton<IApplyStateFilter>(states);
                services?.Invoke(s);
            },
        };

    /// <summary>
    /// No statement failed in this test's database, on either instance, but the one Hangfire.PostgreSql's installer
    /// expects: its first look for the schema version, before the schema exists.
    /// </summary>
    private void AssertNoFailedStatements(string database)
    {
        var errors = pg.ErrorsIn(database);
        var probes = errors.Count(e => e.StartsWith("relation \"hangfire.schema\" does not exist", StringComparison.Ordinal));
        Assert.True(probes <= 1 && errors.Count == probes, "statements failed in PostgreSQL:\n" + string.Join('\n', errors));
    }

    /// <summary>
    /// The state a job has in PostgreSQL once committed: <see cref="JobStates"/> hears of a state inside Hangfire's
    /// transaction, so the row may still show the previous one for a few milliseconds.
    /// </summary>
    private static async Task<string> CommittedStateAsync(string database, string jobId, string expected)
    {
        var sql = $"SELECT statename FROM hangfire.job WHERE id = {long.Parse(jobId, CultureInfo.InvariantCulture)}";
        var waited = Stopwatch.StartNew();
        string state;
        while ((state = await ScalarAsync<string>(database, sql)) != expected && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            // Polling a row until a commit lands (bounded), not a pause standing in for a signal.
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return state;
    }

    private static void WithoutJobServers(IServiceCollection services)
    {
        var servers = services.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationFactory?.Method.ReturnType == typeof(BackgroundJobServerHostedService)).ToList();
        Assert.Equal(2, servers.Count);
        foreach (var server in servers)
        {
            services.Remove(server);
        }
    }

    private static string[] LineProtocolFiles(TempFolder folder)
    {
        var acme = Path.Combine(folder.StateDir, "lineprotocol", "acme");
        return Directory.Exists(acme) ? Directory.GetFiles(acme, "*.lp") : [];
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static async Task<List<string>> ColumnAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    /// <summary>
    /// Two instances on one database and one data root (A's), each with its own state folder (runs, line protocol).
    /// They start together (both install the schema at once) and stop together: stopping a Hangfire server on
    /// PostgreSQL can wait up to a second for a storage lock poll, and the two waits then overlap.
    /// </summary>
    private sealed class TwoInstances : IAsyncDisposable
    {
        public TwoInstances(string database, JobStates states, Action<IServiceCollection>? servicesOfA = null)
        {
            A = Instance(FolderA, database, states, services: servicesOfA);
            B = Instance(FolderB, database, states, dataRoot: FolderA.DataRoot);
        }

        public TempFolder FolderA { get; } = new();

        public TempFolder FolderB { get; } = new();

        public PowerViewApplication A { get; }

        public PowerViewApplication B { get; }

        public HttpClient ClientA { get; private set; } = null!;

        public HttpClient ClientB { get; private set; } = null!;

        public async Task StartAsync()
        {
            var a = Task.Run(A.StartAsync);
            var b = Task.Run(B.StartAsync);
            (ClientA, ClientB) = (await a, await b);
        }

        /// <summary>
        /// Upload events for every file, alternating between the instances, and sweeps on both, all released at the same
        /// moment: the worst mix of events and sweeps the claims must settle.
        /// </summary>
        public async Task<((HttpStatusCode Code, JsonElement Body)[] Answers, SweepSummary[] Sweeps)> AllAtOnceAsync(
            IReadOnlyList<string> paths, int eventsPerFile, int sweepsPerInstance)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var hooks = paths.SelectMany(p => Enumerable.Range(0, eventsPerFile).Select(async i =>
            {
                await start.Task;
                return await HookCalls.PostAsync(i % 2 == 0 ? ClientA : ClientB, HookCalls.Upload(p));
            })).ToList();
            var sweeps = Enumerable.Range(0, sweepsPerInstance).SelectMany(_ => new[] { A, B }).Select(app => Task.Run(async () =>
            {
                await start.Task;
                return app.Services.GetRequiredService<Sweeper>().Sweep(TestContext.Current.CancellationToken);
            })).ToList();
            start.SetResult();
            return (await Task.WhenAll(hooks), await Task.WhenAll(sweeps));
        }

        public async ValueTask DisposeAsync()
        {
            // The factories dispose the clients they created.
            await Task.WhenAll(A.DisposeAsync().AsTask(), B.DisposeAsync().AsTask());
            FolderA.Dispose();
            FolderB.Dispose();
        }
    }
}
