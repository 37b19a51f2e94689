// HookBench: load for POST /hooks/sftpgo on loopback, and end-to-end timing from the first event to the last
// recorded run. See tools/hook-bench.sh for the measurement that docs/performance.md reports.
//
//   HookBench prepare <dataRoot> <company> <files>                    150-row device files (6 channels)
//   HookBench burst <url> <secret> <dataRoot> <company> <files> <concurrency> <upload|failed>
//   HookBench e2e <url>[,<url2>…] <secret> <dataRoot> <stateDir>[,<stateDir2>…] <company> <files> <concurrency>
//     (several instances on one data root: the events alternate between the URLs; the runs are counted in every state folder)
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

return args.FirstOrDefault() switch
{
    "prepare" => Prepare(args[1], args[2], int.Parse(args[3])),
    "burst" => await Burst(args[1], args[2], args[3], args[4], int.Parse(args[5]), int.Parse(args[6]), args[7]),
    "e2e" => await EndToEnd(args[1], args[2], args[3], args[4], args[5], int.Parse(args[6]), int.Parse(args[7])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: HookBench prepare|burst|e2e ... (see the comment at the top of Program.cs)");
    return 2;
}

// A typical device file: the daily export of a tri-phase master with three channels (the 0_camp_base sample),
// extended to 150 rows, 10 minutes apart, each file on its own day.
static int Prepare(string dataRoot, string company, int files)
{
    var sample = File.ReadAllLines(Path.Combine(RepoRoot(), "tests/PowerView.Api.Tests/TestData/samples/0_camp_base-parsed/T302_251027_031520.tsv"));
    var header = sample[..2];
    var rows = sample[2..].Where(l => l.Length > 0).Select(l => l[(l.IndexOf('\t') + 1)..]).ToArray();
    var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    for (var f = 0; f < files; f++)
    {
        var sb = new StringBuilder();
        foreach (var line in header)
        {
            sb.Append(line).Append('\n');
        }

        for (var r = 0; r < 150; r++)
        {
            var t = start.AddDays(f).AddMinutes(10 * r);
            sb.Append(t.ToString("dd/MM/yy HH:mm:ss", CultureInfo.InvariantCulture)).Append('\t').Append(rows[r % rows.Length]).Append('\n');
        }

        var path = Path.Combine(dataRoot, FileOf(company, f));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, sb.ToString());
    }

    Console.WriteLine($"prepared {files} files of 150 rows under {Path.Combine(dataRoot, company)}");
    return 0;
}

static async Task<int> Burst(string url, string secret, string dataRoot, string company, int files, int concurrency, string kind)
{
    using var client = Client(url, secret, concurrency);
    var result = await Send([client], dataRoot, company, files, concurrency, kind == "failed" ? 2 : 1);
    Report($"burst {kind}", result);
    return 0;
}

static async Task<int> EndToEnd(string urls, string secret, string dataRoot, string stateDirs, string company, int files, int concurrency)
{
    var reports = stateDirs.Split(',').Select(d => Path.Combine(d, "reports")).ToArray();
    var before = reports.Sum(r => CountFiles(r, "*.json"));
    Prepare(dataRoot, company, files);
    var clients = urls.Split(',').Select(url => Client(url, secret, concurrency)).ToArray();
    var clock = Stopwatch.StartNew();
    var result = await Send(clients, dataRoot, company, files, concurrency, 1);
    var posted = clock.Elapsed;
    // The end: every file has left its folder and every run has its report (written when the run is recorded),
    // in whichever instance's state folder.
    while (CountFiles(Path.Combine(dataRoot, company), "*.tsv", topOnlyDevices: true) > 0 || reports.Sum(r => CountFiles(r, "*.json")) - before < files)
    {
        await Task.Delay(10);
    }

    var total = clock.Elapsed;
    var parsed = Directory.EnumerateFiles(Path.Combine(dataRoot, company), "*.tsv", SearchOption.AllDirectories).Count(p => p.Contains("/parsed/", StringComparison.Ordinal));
    var points = stateDirs.Split(',').Select(d => Path.Combine(d, "lineprotocol", company)).Where(Directory.Exists)
        .SelectMany(d => Directory.EnumerateFiles(d, "*.lp")).Sum(p => File.ReadLines(p).LongCount());
    var perInstance = string.Join(", ", reports.Select(r => CountFiles(r, "*.json")));
    foreach (var client in clients)
    {
        client.Dispose();
    }

    Report("e2e hooks", result);
    Console.WriteLine($"e2e: {files} files of 150 rows over {clients.Length} instance(s), all events posted in {posted.TotalSeconds:0.00} s, last run recorded after {total.TotalSeconds:0.00} s");
    Console.WriteLine($"e2e: {files / total.TotalSeconds:0} files/s, {points / total.TotalSeconds:0} points/s; {parsed} files in parsed/, {points} lines of line protocol; run reports per instance (cumulative): {perInstance}");
    return parsed == files ? 0 : 1;
}

static HttpClient Client(string url, string secret, int concurrency)
{
    var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false }) { BaseAddress = new Uri(url) };
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
    return client;
}

static async Task<(TimeSpan Elapsed, double[] LatenciesMs, Dictionary<string, int> Answers)> Send(
    HttpClient[] clients, string dataRoot, string company, int files, int concurrency, int status)
{
    var latencies = new double[files];
    var answers = new Dictionary<string, int>();
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < files)
        {
            var path = Path.Combine(dataRoot, FileOf(company, i));
            var body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["action"] = "upload", ["username"] = company, ["path"] = path, ["virtual_path"] = "/" + FileOf(company, i)[(company.Length + 1)..],
                // The real size: the service skips a file whose size differs from its event's (still being written).
                ["file_size"] = new FileInfo(path) is { Exists: true } file ? file.Length : 7000, ["fs_provider"] = 0, ["status"] = status, ["protocol"] = "SFTP", ["ip"] = "127.0.0.1",
                ["session_id"] = "SFTP_bench_1", ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000, ["elapsed"] = 5,
            });
            var started = Stopwatch.GetTimestamp();
            using var response = await clients[i % clients.Length].PostAsync("/hooks/sftpgo", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var answer = (int)response.StatusCode == 200 ? JsonDocument.Parse(text).RootElement.GetProperty("status").GetString()! : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            lock (answers)
            {
                answers[answer] = answers.GetValueOrDefault(answer) + 1;
            }
        }
    }));
    return (clock.Elapsed, latencies, answers);
}

static void Report(string name, (TimeSpan Elapsed, double[] LatenciesMs, Dictionary<string, int> Answers) r)
{
    var sorted = r.LatenciesMs.Order().ToArray();
    double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    Console.WriteLine($"{name}: {sorted.Length} events in {r.Elapsed.TotalSeconds:0.00} s = {sorted.Length / r.Elapsed.TotalSeconds:0} events/s; "
        + $"latency p50 {P(0.50):0.00} ms, p90 {P(0.90):0.00} ms, p99 {P(0.99):0.00} ms, max {sorted[^1]:0.00} ms; answers "
        + string.Join(", ", r.Answers.OrderBy(a => a.Key).Select(a => $"{a.Key} {a.Value}")));
}

static string FileOf(string company, int i) => $"{company}/bench/d{i % 20:00}/T302_{i:000000}.tsv";

static int CountFiles(string folder, string pattern, bool topOnlyDevices = false)
{
    if (!Directory.Exists(folder))
    {
        return 0;
    }

    // Waiting device files sit at <company>/<campaign>/<device>/*.tsv; parsed/ is one level deeper.
    return topOnlyDevices
        ? Directory.EnumerateDirectories(folder).SelectMany(Directory.EnumerateDirectories).Sum(d => Directory.EnumerateFiles(d, pattern).Count())
        : Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories).Count();
}

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "PowerView.Api.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
