using System.Collections.Concurrent;
using PowerView.Api.Configuration;

namespace PowerView.Api.Ingestion.Sinks;

/// <summary>
/// The embedded default when <c>Influx:Url</c> is empty: the exact bodies that would have been sent to
/// InfluxDB, appended to <c>&lt;StateDir&gt;/lineprotocol/&lt;bucket&gt;/&lt;stream&gt;.lp</c>. A run's stream is written under
/// <c>&lt;stream&gt;.lp.partial</c>, held open with an exclusive lock, and renamed to <c>.lp</c> when the run ends: a process
/// killed in the middle of a file leaves a <c>.partial</c> that nobody holds, which <see cref="RemoveInterrupted"/> removes
/// (its data file was not moved, so the run that takes it again writes the whole file).
/// </summary>
internal sealed class FileSink(PowerViewPaths paths, ILogger<FileSink> log) : ILineProtocolSink, IDisposable
{
    private const string PartialSuffix = ".partial";

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>The open partial stream of each run in progress (keyed by its path).</summary>
    private readonly ConcurrentDictionary<string, FileStream> _runs = new(StringComparer.Ordinal);

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

    public async Task<int> WriteAsync(SinkTarget target, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var path = PathOf(target);
        // One gate per bucket (a bounded set): appends to a shared stream, such as the daily meta file, never interleave.
        var gate = _locks.GetOrAdd(target.Bucket, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (target.WholeRun)
            {
                // Opened once for the run, exclusively (flock): the cleaner of another process leaves it alone.
                var stream = _runs.GetOrAdd(path + PartialSuffix,
                    p => new FileStream(p, FileMode.Append, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: false));
                await stream.WriteAsync(body, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
            else
            {
                await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: false);
                await stream.WriteAsync(body, cancellationToken);
            }

            return 0;
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

    /// <summary>The run's bodies become <c>&lt;stream&gt;.lp</c>: what it wrote, all of it or (deferred) the chunks before the failure.</summary>
    public Task CompleteAsync(SinkTarget target, CancellationToken cancellationToken)
    {
        var path = PathOf(target);
        if (!_runs.TryRemove(path + PartialSuffix, out var stream))
        {
            return Task.CompletedTask;
        }

        try
        {
            stream.Dispose();
            File.Move(path + PartialSuffix, path, overwrite: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.LogError("The line protocol of a run stays in {Partial}: {Problem}", path + PartialSuffix, ex.Message);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Removes the partial streams of runs that were interrupted (a process killed or stopped in the middle of a file):
    /// those no process holds. Their data files stayed where they were and are ingested again in full.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public int RemoveInterrupted()
    {
        var root = paths.LineProtocolDir();
        if (!Directory.Exists(root))
        {
            return 0;
        }

        var removed = 0;
        foreach (var partial in Directory.EnumerateFiles(root, "*.lp" + PartialSuffix, SearchOption.AllDirectories))
        {
            try
            {
                // A lock that cannot be had is a run in progress (of this process or another).
                using (new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.None))
                {
                }

                File.Delete(partial);
                removed++;
                log.LogWarning("Removed {Partial}: the line protocol of a run that was interrupted (its file is ingested again in full)", partial);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                log.LogDebug("Left {Partial}: {Problem}", partial, ex.Message);
            }
        }

        return removed;
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

    public void Dispose()
    {
        foreach (var stream in _runs.Values)
        {
            stream.Dispose();
        }
    }

    private string PathOf(SinkTarget target) => Path.Combine(BucketDir(target.Bucket), target.Stream + ".lp");

    private string BucketDir(string bucket) => Path.Combine(paths.LineProtocolDir(), bucket);
}
