using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace PowerView.Api.Tests.Infrastructure.Servers;

/// <summary>
/// Debian's <c>influxd</c> 1.6.7 as a line-protocol oracle: its parser (<c>scanLine</c>, <c>scanTagsValue</c>,
/// <c>scanFields</c>, <c>unescapeTag</c>) is the code InfluxDB 2.x runs (docs/influxdb.md §4). Bodies go to
/// the 1.x <c>/write</c>, values come back through InfluxQL <c>/query</c>.
/// </summary>
public sealed class InfluxdServer : HttpServerProcess
{
    protected override string BinaryName => "influxd";

    protected override string PackageName => "influxdb";

    protected override void Configure(ProcessStartInfo info, int port)
    {
        // An empty configuration file gives the built-in defaults, then the environment overrides them
        // (the packaged /etc/influxdb/influxdb.conf would point at /var/lib/influxdb).
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("-config");
        info.ArgumentList.Add("/dev/null");
        var env = info.Environment;
        env["INFLUXDB_HTTP_BIND_ADDRESS"] = $"127.0.0.1:{port}";
        env["INFLUXDB_BIND_ADDRESS"] = $"127.0.0.1:{FreePort()}";
        env["INFLUXDB_META_DIR"] = Path.Combine(DataDir, "meta");
        env["INFLUXDB_DATA_DIR"] = Path.Combine(DataDir, "data");
        env["INFLUXDB_DATA_WAL_DIR"] = Path.Combine(DataDir, "wal");
        env["INFLUXDB_REPORTING_DISABLED"] = "true";
        // No _internal statistics database and no query log: less noise in the captured log.
        env["INFLUXDB_MONITOR_STORE_ENABLED"] = "false";
        env["INFLUXDB_DATA_QUERY_LOG_ENABLED"] = "false";
    }

    /// <summary>Creates a database with a unique name (one per test) and returns the name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        using var response = await Http.PostAsync(Url("query", ("q", $"CREATE DATABASE \"{name}\"")), null, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"CREATE DATABASE {name}: {(int)response.StatusCode}\n{RecentLog()}");
        return name;
    }

    /// <summary>POSTs a body to <c>/write?db=…&amp;precision=s</c>; returns the status and InfluxDB's error text (empty on 204).</summary>
    public async Task<(HttpStatusCode Status, string Error)> WriteAsync(string database, ReadOnlyMemory<byte> body)
    {
        using var content = new ReadOnlyMemoryContent(body);
        using var response = await Http.PostAsync(Url("write", ("db", database), ("precision", "s")), content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text);
    }

    public Task<(HttpStatusCode Status, string Error)> WriteAsync(string database, string body) =>
        WriteAsync(database, Encoding.UTF8.GetBytes(body));

    /// <summary>Runs an InfluxQL statement (timestamps in seconds) and returns the series of its first result.</summary>
    public async Task<IReadOnlyList<QuerySeries>> QueryAsync(string database, string influxQl)
    {
        using var response = await Http.GetAsync(Url("query", ("db", database), ("q", influxQl), ("epoch", "s")), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{influxQl}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        var result = json.RootElement.GetProperty("results")[0];
        if (result.TryGetProperty("error", out var error))
        {
            Assert.Fail($"{influxQl}: {error.GetString()}");
        }

        if (!result.TryGetProperty("series", out var series))
        {
            return [];
        }

        return series.EnumerateArray().Select(QuerySeries.From).ToList();
    }

    private Uri Url(string path, params (string Key, string Value)[] query) =>
        new(BaseUrl, path + "?" + string.Join('&', query.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}")));
}

/// <summary>One series of an InfluxQL answer. Values keep their JSON text so floats can be compared bit for bit.</summary>
public sealed record QuerySeries(string Name, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Rows)
{
    public static QuerySeries From(JsonElement s)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (s.TryGetProperty("tags", out var t))
        {
            foreach (var p in t.EnumerateObject())
            {
                tags[p.Name] = p.Value.GetString()!;
            }
        }

        var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
        var rows = s.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.Clone()).ToArray()).ToList();
        return new QuerySeries(s.GetProperty("name").GetString()!, tags, columns, rows);
    }
}
