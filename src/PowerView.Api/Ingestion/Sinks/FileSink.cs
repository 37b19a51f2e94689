using System.Collections.Concurrent;
using PowerView.Api.Configuration;

namespace PowerView.Api.Ingestion.Sinks;

/// <summary>
/// The embedded default when <c>Influx:Url</c> is empty: the exact bodies that would have been sent to
/// InfluxDB, appended to <c>&lt;StateDir&gt;/lineprotocol/&lt;bucket&gt;/&lt;stream&gt;.lp</c>.
/// </summary>
internal sealed class FileSink(PowerViewPaths paths) : ILineProtocolSink
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public string Description => $"line-protocol files under {paths.LineProtocolDir()}";

    public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        var folder = BucketDir(bucket);
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The sink's disk, not the data file: an outage, so the run is deferred with the right reason.
            throw new SinkUnavailableException($"cannot create {folder}: {ex.Message}", ex);
        }

        return Task.CompletedTask;
    }

    public async Task WriteAsync(SinkTarget target, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var path = Path.Combine(BucketDir(target.Bucket), target.Stream + ".lp");
        // One gate per bucket (a bounded set): appends to a shared stream, such as the daily meta file, never interleave.
        var gate = _locks.GetOrAdd(target.Bucket, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: false);
            await stream.WriteAsync(body, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full or read-only disk is an outage like an unreachable InfluxDB: the file stays and is retried.
            throw new SinkUnavailableException($"cannot write {path}: {ex.Message}", ex);
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<SinkHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(paths.LineProtocolDir());
            return Task.FromResult(new SinkHealth(true, Description));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(new SinkHealth(false, Description, ex.Message));
        }
    }

    private string BucketDir(string bucket) => Path.Combine(paths.LineProtocolDir(), bucket);
}
