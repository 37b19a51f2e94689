using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace PowerView.Api.Tests.Infrastructure.Servers;

/// <summary>
/// Debian's <c>victoria-metrics</c> 1.79.5: a real HTTP server that accepts <c>InfluxDB.Client</c> writes on
/// <c>/api/v2/write</c> (org, bucket and token ignored). Read back through <c>/api/v1/export</c>: each field
/// is a metric <c>measurement_field</c>, tags are labels, timestamps are milliseconds, and samples with
/// the same timestamp are all kept (docs/influxdb.md §4).
/// </summary>
public sealed class VictoriaMetricsServer : HttpServerProcess
{
    protected override string BinaryName => "victoria-metrics";

    protected override string PackageName => "victoria-metrics";

    protected override void Configure(ProcessStartInfo info, int port)
    {
        info.ArgumentList.Add($"-httpListenAddr=127.0.0.1:{port}");
        info.ArgumentList.Add($"-storageDataPath={DataDir}");
        // The default retention (1 month) silently drops the samples' 2025 timestamps.
        info.ArgumentList.Add("-retentionPeriod=100y");
    }

    /// <summary>Every series matching <paramref name="selector"/>, after flushing what was written.</summary>
    public async Task<IReadOnlyList<ExportedSeries>> ExportAsync(string selector)
    {
        var ct = TestContext.Current.CancellationToken;
        using (var flush = await Http.GetAsync(new Uri(BaseUrl, "internal/force_flush"), ct))
        {
            Assert.True(flush.IsSuccessStatusCode, $"force_flush: {(int)flush.StatusCode}\n{RecentLog()}");
        }

        using var form = new FormUrlEncodedContent([new("match[]", selector)]);
        using var response = await Http.PostAsync(new Uri(BaseUrl, "api/v1/export"), form, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"export {selector}: {(int)response.StatusCode} {text}\n{RecentLog()}");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ExportedSeries.Parse).ToList();
    }
}

/// <summary>One line of <c>/api/v1/export</c>: labels (with <c>__name__</c>) and the samples.</summary>
public sealed record ExportedSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(long TimestampMs, double Value)> Samples)
{
    public string Name => Labels["__name__"];

    public static ExportedSeries Parse(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var labels = root.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        var values = root.GetProperty("values").EnumerateArray()
            .Select(v => double.Parse(v.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture)).ToList();
        var timestamps = root.GetProperty("timestamps").EnumerateArray().Select(t => t.GetInt64()).ToList();
        return new ExportedSeries(labels, timestamps.Zip(values).ToList());
    }
}
