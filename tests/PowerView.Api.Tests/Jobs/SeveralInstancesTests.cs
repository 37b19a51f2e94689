using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using PowerView.Api.Runs;
using PowerView.Api.Runs.Contracts;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Doubles;
using PowerView.Api.Tests.Infrastructure.Servers;

namespace PowerView.Api.Tests.Jobs;

/// <summary>
/// Several instances as an operator runs them: the built service twice, each its own OS process (dotnet
/// PowerView.Api.dll) on its own port and state folder, both on one PostgreSQL database (Jobs:Storage and
/// Runs:Storage = PostgreSql) and one data root, writing to InfluxDB doubles in this process. Every file is ingested
/// once whichever instance hears of it, both give the same answers, and one killed in the middle of its jobs leaves
/// them to the other within the configured bound, with a history that says so.
/// </summary>
public sealed class SeveralInstancesTests(SharedPostgreSql shared) : IDisposable
{
    // Short, so the take-over is tested in seconds: a dead instance's jobs are visible again after 5 s (renewed every
    // second while it lives), and idle workers look every second.
    private const int InvisibilitySeconds = 5;
    private const int PollSeconds = 1;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(InvisibilitySeconds + PollSeconds);

    /// <summary>What a loaded two-core machine may add to any wait here: a bound, never a pace.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(15);

    private readonly TempFolder _folder = new();
    private readonly List<PowerViewInstance> _instances = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FiveHundredUploadsOverTwoProcessesWithDuplicatesAreEachIngestedOnceAndBothAnswerTheSame()
    {
        var database = await NewDatabaseAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        var a = Instance("A", database, influx);
        var b = Instance("B", database, influx);
        // Started together on the empty database: both install Hangfire's schema and migrate the run store at once.
        await Task.WhenAll(a.InitializeAsync().AsTask(), b.InitializeAsync().AsTask());
        var files = Enumerable.Range(0, 500).Select(PlaceFile).ToList();
        using var hookA = a.Client();
        using var hookB = b.Client();

        // Every file announced once, to A or B in turn; every other file a second time, to the other one; all at once.
        var events = files.Select((f, i) => (f.Path, Client: i % 2 == 0 ? hookA : hookB))
            .Concat(files.Where((_, i) => i % 2 == 0).Select(f => (f.Path, Client: hookB)))
            .ToList();
        using var gate = new SemaphoreSlim(32);
        var answers = await Task.WhenAll(events.Select(async e =>
        {
            await gate.WaitAsync(Ct);
            try
            {
                return await HookCalls.PostAsync(e.Client, HookCalls.Upload(e.Path));
            }
            finally
            {
                gate.Release();
            }
        }));

        // Every job was created before its event was answered: done when all of them have succeeded.
        await UntilAsync(async () => await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded'") == 500,
            TimeSpan.FromMinutes(3), "500 jobs succeeded");

        Assert.Equal(750, answers.Length);
        Assert.All(answers, x => Assert.Equal(HttpStatusCode.OK, x.Code));
        var statuses = answers.Select(x => x.Body.GetProperty("status").GetString()).ToList();
        Assert.Equal(500, statuses.Count(s => s == "queued"));
        Assert.All(statuses, s => Assert.Contains(s, new[] { "queued", "duplicate", "ignored" }));
        Assert.Equal(500L, await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.job"));
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.hash WHERE key LIKE 'powerview:claim:%'"));

        AssertEachMovedOnceToParsed(files);

        // Both instances worked, and 500 runs were done in all: one each.
        var (byA, byB) = (a.LogLinesWith("Ingestion success").Count, b.LogLinesWith("Ingestion success").Count);
        Assert.Equal(500, byA + byB);
        Assert.True(byA > 0 && byB > 0, $"A ingested {byA} files, B {byB}");

        // Exactly the points of every file, each written once (no file twice, none lost), as read from the files themselves.
        var expected = files.SelectMany(f => f.Expected.Points.Select(p => Key(f.Company, f.Expected.Channels[p.Channel].Tags, f.Expected.Channels[p.Channel].FieldKey, p.Value, p.Epoch)));
        var stored = new[] { "co0", "co1" }.SelectMany(bucket => influx.LinesIn(bucket).Select(l => Key(bucket, l.Tags, l.Field, l.Value, l.Timestamp!.Value)));
        Assert.Equal(expected.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));

        // One history: whichever instance answers, the same lists, campaigns, days and reports.
        using var adminA = a.Client(PowerViewApplication.AdminKey);
        using var adminB = b.Client(PowerViewApplication.AdminKey);
        var runs = await adminA.GetRunsAsync("/api/runs?limit=1000");
        Assert.Equal(500, runs.Count);
        Assert.All(runs, r => Assert.Equal((RunStatus.Success, 1), (r.Status, r.Attempt)));
        Assert.Equal(500, runs.Select(r => (r.Company, r.Campaign, r.DeviceMasterSn, r.FileName)).Distinct().Count());
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string[] urls =
        [
            "/api/runs?limit=1000", "/api/errors", "/api/campaigns", "/api/campaigns/co1/camp0", $"/api/stats/daily?from={today}&to={today}",
            .. runs.Where((_, i) => i % 100 == 0).Select(r => "/api/runs/" + r.Id),
        ];
        foreach (var url in urls)
        {
            Assert.Equal(WithoutAge(await adminA.GetJsonAsync(url)), WithoutAge(await adminB.GetJsonAsync(url)));
        }

        var campaigns = (await adminB.GetJsonAsync("/api/campaigns")).EnumerateArray().ToList();
        Assert.Equal(["co0/camp0", "co0/camp1", "co1/camp0", "co1/camp1"], campaigns.Select(c => $"{c.GetProperty("company").GetString()}/{c.GetProperty("campaign").GetString()}"));
        Assert.Equal(500, campaigns.Sum(c => c.GetProperty("runs").GetInt64()));
        Assert.Equal(files.Sum(f => (long)f.Expected.Points.Count), campaigns.Sum(c => c.GetProperty("pointsWritten").GetInt64()));
    }

    [Fact]
    public async Task AnInstanceKilledInTheMiddleOfItsJobsLeavesThemToTheOtherWithinTheBoundAndTheHistorySaysSo()
    {
        var database = await NewDatabaseAsync();
        // A writes to an InfluxDB that never answers a write: its jobs stay in the middle of their first write until
        // it is killed. B writes to one that answers.
        await using var stuck = await InfluxApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        stuck.Outage = new WriteFault.NoAnswer();
        var a = Instance("A", database, stuck, ("Jobs:WorkerCount", "3"), ("Influx:TimeoutSeconds", "600"), ("Influx:MaxAttempts", "1"));
        await a.InitializeAsync();
        var serversOfA = await ColumnAsync(database, "SELECT id FROM hangfire.server");
        var b = Instance("B", database, influx, ("Jobs:WorkerCount", "2"));
        await b.InitializeAsync();
        var files = Enumerable.Range(0, 8).Select(PlaceFile).ToList();
        using var hookA = a.Client();
        foreach (var file in files)
        {
            var (code, answer) = await HookCalls.PostAsync(hookA, HookCalls.Upload(file.Path));
            Assert.Equal((HttpStatusCode.OK, "queued"), (code, answer.GetProperty("status").GetString()));
        }

        // A's workers took what they could and are stuck in it; B's took the rest. Nothing waits in the queue.
        var processingOnA = $"""
            SELECT j.id FROM hangfire.job j JOIN hangfire.state s ON s.id = j.stateid
            WHERE j.statename = 'Processing' AND s.data::jsonb ->> 'ServerId' IN ({string.Join(", ", serversOfA.Select(id => $"'{id}'"))})
            ORDER BY j.id
            """;
        await UntilAsync(async () => (await ColumnAsync(database, processingOnA)).Count > 0
                && await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.job WHERE statename = 'Enqueued'") == 0,
            Slack, "A's workers stuck in their jobs and the queue empty");
        var jobsOfA = await ColumnAsync(database, processingOnA);
        var firstFetch = await ScalarAsync<DateTime>(database, $"SELECT min(fetchedat) FROM hangfire.jobqueue WHERE jobid IN ({string.Join(", ", jobsOfA)})");

        // While A lives it renews its jobs (every fifth of the timeout): once they have outlived the timeout they are still A's.
        await UntilAsync(async () => await ScalarAsync<DateTime>(database, $"SELECT min(fetchedat) FROM hangfire.jobqueue WHERE jobid IN ({string.Join(", ", jobsOfA)})")
                > firstFetch.AddSeconds(InvisibilitySeconds + 1),
            TimeSpan.FromSeconds(InvisibilitySeconds) + Slack, "A's jobs renewed past the invisibility timeout");
        Assert.Equal(jobsOfA, await ColumnAsync(database, processingOnA));

        var killedAt = DateTimeOffset.UtcNow;
        await a.KillAsync();
        using var adminB = b.Client(PowerViewApplication.AdminKey);
        await UntilAsync(async () => (await adminB.GetRunsAsync("/api/runs?status=success&limit=1000")).Count == files.Count,
            Bound + Slack, "every file ingested by B");

        // The history of each of A's files: the try that died with A, then B's, the next attempt.
        var argumentsOfA = await ColumnAsync(database, $"SELECT arguments FROM hangfire.job WHERE id IN ({string.Join(", ", jobsOfA)})");
        var filesOfA = files.Where(f => argumentsOfA.Any(args => args.Contains(f.Relative, StringComparison.Ordinal))).ToList();
        Assert.Equal(jobsOfA.Count, filesOfA.Count);
        foreach (var file in files)
        {
            var history = await adminB.GetRunsAsync($"/api/runs?file={file.Name}&device={file.Device}&company={file.Company}&campaign={file.Campaign}");
            if (!filesOfA.Contains(file))
            {
                Assert.Equal((RunStatus.Success, 1), (Assert.Single(history).Status, history[0].Attempt));
                continue;
            }

            Assert.Equal(2, history.Count);
            var (taken, lost) = (history[0], history[1]);
            Assert.Equal((RunStatus.Deferred, 1, RunTrigger.Hook), (lost.Status, lost.Attempt, lost.Trigger));
            Assert.StartsWith("interrupted: ", lost.Error, StringComparison.Ordinal);
            Assert.Contains(" taken over by ", lost.Error, StringComparison.Ordinal);
            Assert.True(lost.StartedAt < killedAt);
            Assert.Equal((RunStatus.Success, 2, RunTrigger.Retry), (taken.Status, taken.Attempt, taken.Trigger));
            // Taken over once A's renewals stopped and the timeout ran out, and within the bound (plus a loaded machine's slack).
            TestContext.Current.TestOutputHelper?.WriteLine($"{file.Relative}: A's try from {lost.StartedAt:HH:mm:ss.fff}, taken over by B {(lost.FinishedAt - killedAt).TotalSeconds:0.0} s after the kill (bound {Bound.TotalSeconds:0} s)");
            Assert.InRange(lost.FinishedAt - killedAt, TimeSpan.FromSeconds(InvisibilitySeconds * 4 / 5) - TimeSpan.FromSeconds(1), Bound + Slack);
        }

        AssertEachMovedOnceToParsed(files);

        // Nothing A started reached InfluxDB; every point is B's, once.
        Assert.Empty(stuck.Writes);
        var expected = files.SelectMany(f => f.Expected.Points.Select(p => Key(f.Company, f.Expected.Channels[p.Channel].Tags, f.Expected.Channels[p.Channel].FieldKey, p.Value, p.Epoch)));
        var stored = new[] { "co0", "co1" }.SelectMany(bucket => influx.LinesIn(bucket).Select(l => Key(bucket, l.Tags, l.Field, l.Value, l.Timestamp!.Value)));
        Assert.Equal(expected.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        Assert.Equal(files.Count, await ScalarAsync<long>(database, "SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded'"));
        Assert.Equal(jobsOfA.Count, b.LogLinesWith("was interrupted on").Count);
    }

    public void Dispose()
    {
        var failed = TestContext.Current.TestState?.Result == TestResult.Failed;
        foreach (var instance in _instances)
        {
            if (failed)
            {
                TestContext.Current.TestOutputHelper?.WriteLine(instance.RecentLog());
            }

            instance.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _folder.Dispose();
    }

    private async Task<string> NewDatabaseAsync()
    {
        shared.Server.Require();
        return await shared.Server.CreateDatabaseAsync();
    }

    /// <summary>An instance on the test's database and data root, with a state folder of its own.</summary>
    private PowerViewInstance Instance(string name, string database, InfluxApiDouble influx, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PowerView:DataRoot"] = _folder.DataRoot,
            ["PowerView:StateDir"] = Path.Combine(_folder.Root, "state-" + name),
            ["PowerView:HookSecret"] = PowerViewApplication.HookSecret,
            ["PowerView:AdminKey"] = PowerViewApplication.AdminKey,
            ["Jobs:Storage"] = "PostgreSql",
            ["ConnectionStrings:Hangfire"] = database,
            ["Runs:Storage"] = "PostgreSql",
            ["ConnectionStrings:Runs"] = database,
            ["Jobs:WorkerCount"] = "4",
            ["Jobs:InvisibilityTimeoutSeconds"] = InvisibilitySeconds.ToString(CultureInfo.InvariantCulture),
            ["Jobs:QueuePollIntervalSeconds"] = PollSeconds.ToString(CultureInfo.InvariantCulture),
            ["Influx:Url"] = influx.Url.ToString(),
            ["Influx:Token"] = InfluxApiDouble.AllAccessToken,
            ["Influx:Org"] = InfluxApiDouble.OrgName,
            // The files reach the instances through events only: no sweep takes them first.
            ["Ingestion:SweepIntervalSeconds"] = "3600",
            ["Ingestion:SettleSeconds"] = "1000000000",
            ["Ingestion:IncompleteGraceSeconds"] = "1000000000",
            ["Runs:RetentionDays"] = "0",
            ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var instance = new PowerViewInstance(name, settings);
        _instances.Add(instance);
        return instance;
    }

    /// <summary>
    /// Device file number <paramref name="i"/>: two companies, two campaigns each, five devices, four rows of three values
    /// that no other file has; what it must give is read from the file by the tests' own reader.
    /// </summary>
    private TestFile PlaceFile(int i)
    {
        var (company, campaign, device) = ($"co{i % 2}", $"camp{i / 2 % 2}", $"0200{i % 5:D4}");
        var tsv = new TsvBuilder().Serials(device, device, device, device);
        for (var row = 0; row < 4; row++)
        {
            tsv.Row($"05/01/26 10:{row:D2}:00", $"{i}.{row}1", $"{i}.{row}2", $"-{i}.{row}3");
        }

        var name = $"T302_260105_{i:D6}.tsv";
        var path = _folder.PlaceFile(tsv.Build(), name, company, campaign, device);
        return new TestFile(path, $"{company}/{campaign}/{device}/{name}", company, campaign, device, name, ExpectedFile.Read(path, campaign));
    }

    /// <summary>Every file left its device folder for parsed/, once (a second move would have left an <c>x.1.tsv</c> there).</summary>
    private static void AssertEachMovedOnceToParsed(IReadOnlyList<TestFile> files)
    {
        Assert.All(files, f => Assert.False(File.Exists(f.Path), f.Path));
        foreach (var device in files.GroupBy(f => Path.GetDirectoryName(f.Path)!))
        {
            Assert.Equal(device.Select(f => f.Name).Order(StringComparer.Ordinal),
                Directory.GetFiles(Path.Combine(device.Key, "parsed")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
    }

    private sealed record TestFile(string Path, string Relative, string Company, string Campaign, string Device, string Name, ExpectedFile Expected);

    private static string Key(string bucket, IReadOnlyDictionary<string, string> tags, string field, double value, long epoch) =>
        $"{bucket} {string.Join(',', tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"))} {field}={value.ToString("R", CultureInfo.InvariantCulture)} {epoch}";

    /// <summary>An answer without the one field each instance computes from its own clock at answer time.</summary>
    private static string WithoutAge(JsonElement json)
    {
        var node = JsonNode.Parse(json.GetRawText())!;
        foreach (var row in node is JsonArray rows ? rows.OfType<JsonObject>() : [node.AsObject()])
        {
            row.Remove("secondsSinceLastSuccess");
        }

        return node.ToJsonString();
    }

    /// <summary>Polls a real condition (the database, an instance's API) until it holds, or fails the test after <paramref name="bound"/>.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan bound, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > bound)
            {
                Assert.Fail($"not within {bound.TotalSeconds:0} s: {what}");
            }

            await Task.Delay(100, Ct);
        }
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task<List<string>> ColumnAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }
}
