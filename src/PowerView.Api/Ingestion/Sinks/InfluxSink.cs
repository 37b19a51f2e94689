using System.Collections.Concurrent;
using System.Text;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;

namespace PowerView.Api.Ingestion.Sinks;

/// <summary>
/// InfluxDB 2.x through <c>InfluxDB.Client</c>: one client for the process (it owns an HttpClient), gzip,
/// our own line protocol sent as-is with <c>WriteApiAsync</c>, and our own retry: network errors, 429
/// and 5xx are retried with capped exponential back-off (honouring Retry-After) because writes are
/// idempotent; 4xx are final and carry InfluxDB's message.
/// </summary>
internal sealed class InfluxSink : ILineProtocolSink, IDisposable
{
    private readonly InfluxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InfluxSink> _log;
    private readonly InfluxDBClient _client;
    private readonly WriteApiAsync _writes;
    private readonly ConcurrentDictionary<string, Task> _ensured = new(StringComparer.Ordinal);

    public InfluxSink(IOptions<InfluxOptions> options, TimeProvider time, ILogger<InfluxSink> log)
    {
        _options = options.Value;
        _time = time;
        _log = log;
        _client = new InfluxDBClient(new InfluxDBClientOptions(_options.Url)
        {
            Token = _options.Token,
            Org = _options.Org,
            Timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds),
        });
        _client.EnableGzip();
        _writes = _client.GetWriteApiAsync();
    }

    public string Description => $"InfluxDB {_options.Url} org '{_options.Org}'";

    /// <summary>Backoff before try n+1: 1 s, 2 s, 4 s … capped at 30 s (on the injected clock).</summary>
    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt - 1)));

    public async Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        if (!_options.EnsureBuckets)
        {
            return;
        }

        // One lookup per bucket per process; a failed one is forgotten so the next run tries again.
        var task = _ensured.GetOrAdd(bucket, b => EnsureOnceAsync(b));
        try
        {
            await task.WaitAsync(cancellationToken);
        }
        catch
        {
            _ensured.TryRemove(new KeyValuePair<string, Task>(bucket, task));
            throw;
        }
    }

    private async Task EnsureOnceAsync(string bucket)
    {
        await WithRetryAsync($"look up bucket '{bucket}'", async ct =>
        {
            try
            {
                var found = await _client.GetBucketsApi().FindBucketsAsync(org: _options.Org, name: bucket, cancellationToken: ct);
                if (found.Any(b => b.Name == bucket))
                {
                    return;
                }
            }
            catch (NotFoundException)
            {
                // 404 "bucket not found" (or org not found: creation below then says which).
            }

            var orgs = await _client.GetOrganizationsApi().FindOrganizationsAsync(org: _options.Org, cancellationToken: ct);
            var org = orgs.FirstOrDefault(o => o.Name == _options.Org)
                ?? throw new SinkRejectedException(404, $"InfluxDB organization '{_options.Org}' not found (Influx:Org)");
            try
            {
                // No retention rule: infinite retention, as the original did.
                await _client.GetBucketsApi().CreateBucketAsync(new PostBucketRequest(org.Id, bucket, retentionRules: []), ct);
                _log.LogInformation("Created InfluxDB bucket {Bucket} in org {Org}", bucket, _options.Org);
            }
            catch (UnprocessableEntityException)
            {
                // 422 conflict: another instance created it meanwhile; that is what we wanted.
            }
        }, CancellationToken.None);
    }

    public Task<int> WriteAsync(SinkTarget target, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        // The body already is line protocol: sent as one record, untouched (PointData would re-escape and drop values).
        var text = Encoding.UTF8.GetString(body.Span);
        return WithRetryAsync(
            $"write {body.Length} bytes to bucket '{target.Bucket}'",
            ct => _writes.WriteRecordAsync(text, WritePrecision.S, target.Bucket, _options.Org, ct),
            cancellationToken);
    }

    public async Task<SinkHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            // /ping proves the server answers; a bucket lookup proves the token and org work.
            if (!await _client.PingAsync().WaitAsync(cancellationToken))
            {
                return new SinkHealth(false, Description, "no answer to /ping");
            }

            if (_options.EnsureBuckets)
            {
                await _client.GetBucketsApi().FindBucketsAsync(org: _options.Org, limit: 1, cancellationToken: cancellationToken);
            }

            return new SinkHealth(true, Description);
        }
        catch (HttpException ex)
        {
            return new SinkHealth(false, Description, Describe(ex));
        }
    }

    /// <returns>How many times the action was tried again before it succeeded.</returns>
    private async Task<int> WithRetryAsync(string what, Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action(cancellationToken);
                return attempt - 1;
            }
            catch (HttpException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (!IsTransient(ex))
                {
                    throw new SinkRejectedException(ex.Status, $"InfluxDB refused to {what}: {Describe(ex)}", ex);
                }

                if (attempt >= _options.MaxAttempts)
                {
                    throw new SinkUnavailableException($"InfluxDB unavailable, could not {what} after {attempt} tries: {Describe(ex)}", ex, attempt - 1);
                }

                var delay = ex.RetryAfter is > 0 ? TimeSpan.FromSeconds(Math.Min(ex.RetryAfter.Value, 60)) : Backoff(attempt);
                _log.LogWarning("InfluxDB did not accept to {What} (try {Attempt}/{MaxAttempts}): {Problem}; retrying in {Delay}",
                    what, attempt, _options.MaxAttempts, Describe(ex), delay);
                await Task.Delay(delay, _time, cancellationToken);
            }
        }
    }

    /// <summary>Network errors and timeouts arrive as status 0; 408, 429 and 5xx are worth another try.</summary>
    private static bool IsTransient(HttpException ex) => ex.Status is 0 or 408 or 429 or >= 500;

    private static string Describe(HttpException ex) =>
        ex.Status == 0 ? $"network error: {ex.InnerException?.Message ?? ex.Message}" : $"HTTP {ex.Status}: {ex.Message}";

    public void Dispose() => _client.Dispose();
}
