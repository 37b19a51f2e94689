namespace PowerView.Api.Ingestion.Sinks;

/// <summary>Where line protocol goes: InfluxDB 2.x, or files under the state folder when no InfluxDB is configured.</summary>
internal interface ILineProtocolSink
{
    /// <summary>Human description for logs and /health (never contains a secret).</summary>
    string Description { get; }

    /// <summary>Makes sure the bucket exists (looked up by name and org, created when missing).</summary>
    Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken);

    /// <summary>Writes one body of whole lines, precision seconds. Throws <see cref="SinkUnavailableException"/>
    /// when the sink cannot be reached (the run is deferred) and <see cref="SinkRejectedException"/> when it
    /// refuses the data for good.</summary>
    /// <returns>How many times the body was sent again before it was accepted (the run's <c>writeRetries</c>).</returns>
    Task<int> WriteAsync(SinkTarget target, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);

    /// <summary>
    /// The run of a <see cref="SinkTarget.WholeRun"/> target has ended, whatever its outcome: what it wrote is final.
    /// The file sink keeps a run's bodies under a temporary name until then, so a process killed in the middle of a
    /// file leaves a partial file it can recognise and clean; InfluxDB has nothing to do.
    /// </summary>
    Task CompleteAsync(SinkTarget target, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Checks the sink answers (and, for InfluxDB, that the token is accepted).</summary>
    Task<SinkHealth> CheckHealthAsync(CancellationToken cancellationToken);
}

/// <param name="Bucket">InfluxDB bucket (the company, or the meta bucket).</param>
/// <param name="Stream">Groups the bodies of one run: the file sink writes them to <c>&lt;Bucket&gt;/&lt;Stream&gt;.lp</c>; InfluxDB ignores it.</param>
/// <param name="WholeRun">The stream is one run's (ended by <see cref="ILineProtocolSink.CompleteAsync"/>), not a shared one like the meta bucket's daily stream.</param>
internal readonly record struct SinkTarget(string Bucket, string Stream, bool WholeRun = false);

internal sealed record SinkHealth(bool Healthy, string Description, string? Problem = null);

/// <summary>The sink could not be reached (network, timeout, 429, 5xx, full disk): try again later; the file stays.</summary>
/// <param name="retries">How many times the body was sent again before giving up.</param>
internal sealed class SinkUnavailableException(string message, Exception? inner = null, int retries = 0) : Exception(message, inner)
{
    public int Retries { get; } = retries;
}

/// <summary>The sink refused the data for good (400, 401, 403, 404, 413, 422): the run fails with its message.</summary>
internal sealed class SinkRejectedException(int status, string message, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;
}
