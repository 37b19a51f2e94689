using System.Diagnostics;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Jobs;

/// <summary>
/// Contract §5's safety net: queues every waiting <c>.tsv</c> file that is ready (settled, or past the grace
/// period when it looks incomplete). Files already claimed by a job are skipped (<c>duplicate</c>). The files
/// on disk are the durable queue: whatever the in-memory job storage forgot in a restart is found again here.
/// A file is only ever one file: one that cannot be read, is not a regular file or is stuck (its run could not
/// move it: only the move is tried again) is counted and passed over, and the sweep goes on with the others.
/// </summary>
internal sealed class Sweeper(
    DataRootScanner scanner,
    DataFileAccess access,
    StuckFiles stuck,
    FileClaims claims,
    JobStorage storage,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<Sweeper> log)
{
    /// <summary>The job storage's lock that one sweeping instance holds (instances sharing a PostgreSQL storage take turns).</summary>
    public const string LockName = "powerview:sweep";

    private int _count;

    /// <summary>
    /// The periodic sweep: skipped (null) while another instance sharing the job storage sweeps the same data root. Two
    /// sweeps at once would queue nothing twice (the claims see to that) but scan every file and take every claim lock
    /// twice. The lock is the job storage's, like the claims'; Hangfire.PostgreSql removes a lock its holder never
    /// released (an instance killed in the middle of a sweep) after its DistributedLockTimeout, 10 minutes.
    /// </summary>
    public SweepSummary? SweepUnlessBusy(CancellationToken cancellationToken)
    {
        using var connection = storage.GetConnection();
        IDisposable turn;
        try
        {
            turn = connection.AcquireDistributedLock(LockName, TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is DistributedLockTimeoutException or Hangfire.PostgreSql.PostgreSqlDistributedLockException)
        {
            log.LogDebug("Sweep skipped: another instance is sweeping the data root");
            return null;
        }

        try
        {
            return Sweep(cancellationToken);
        }
        finally
        {
            try
            {
                turn.Dispose();
            }
            catch (Hangfire.PostgreSql.PostgreSqlDistributedLockException ex)
            {
                // The sweep outlasted the lock's timeout and another instance took it over: nothing to give back.
                log.LogWarning("Sweep lock not released: {Problem}", ex.Message);
            }
        }
    }

    public SweepSummary Sweep(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int found = 0, queued = 0, duplicate = 0, waiting = 0, busy = 0, unreadable = 0, refused = 0, stuckFiles = 0;
        DateTimeOffset? nextReady = null;
        foreach (var file in scanner.FindWaitingFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            found++;
            try
            {
                if (stuck.Find(file) is { } marker)
                {
                    if (stuck.TrySettle(file, marker, out var problem) is null)
                    {
                        stuckFiles++;
                        log.LogDebug("Sweep leaves {File}: still not movable ({Problem})", file.RelativePath, problem);
                    }

                    continue;
                }

                var probe = FileReadiness.Check(access, file, time.GetUtcNow(), options.Value);
                switch (probe.State)
                {
                    case ProbeState.NotReady:
                        waiting++;
                        if (probe.ReadyAt is { } at && (nextReady is null || at < nextReady))
                        {
                            nextReady = at;
                        }

                        log.LogDebug("Sweep leaves {File}: {Reason}", file.RelativePath, probe.Reason);
                        continue;
                    case ProbeState.Gone or ProbeState.Busy:
                        // A run holds the file's exclusive lock (it is being ingested), or it moved meanwhile: the next sweep sees.
                        busy++;
                        log.LogDebug("Sweep skips {File}: {Problem}", file.RelativePath, probe.Reason);
                        continue;
                    case ProbeState.Refused:
                        refused++;
                        log.LogWarning("Sweep leaves {File}: {Problem}", file.RelativePath, probe.Reason);
                        continue;
                    case ProbeState.Unreadable:
                        unreadable++;
                        log.LogWarning("Sweep cannot read {File}: {Problem}", file.RelativePath, probe.Reason);
                        continue;
                }

                switch (claims.QueueIngestion(file.RelativePath!, file.FullPath, RunTrigger.Sweep)?.IsNew)
                {
                    case true:
                        queued++;
                        break;
                    case false:
                        duplicate++;
                        break;
                    default:
                        busy++;
                        break;
                }
            }
            catch (TimeoutException)
            {
                // Someone is queueing this very file right now: it is taken care of.
                duplicate++;
            }
        }

        var summary = new SweepSummary(Interlocked.Increment(ref _count), found, queued, duplicate, waiting, busy, clock.ElapsedMilliseconds, nextReady,
            unreadable, refused, stuckFiles);
        log.Log(queued > 0 ? LogLevel.Information : LogLevel.Debug,
            "Sweep {Number}: {Found} waiting files, {Queued} queued, {Duplicate} already queued, {NotReady} not ready yet (the first at {NextReadyAt}), {Busy} locked, {Unreadable} unreadable, {Refused} refused, {Stuck} stuck (not movable), in {DurationMs} ms",
            summary.Number, found, queued, duplicate, waiting, nextReady, busy, unreadable, refused, stuckFiles, summary.DurationMs);
        return summary;
    }
}

/// <param name="NextReadyAt">When the first file that is not ready yet will be (if it does not change again).</param>
/// <param name="Unreadable">Files that could not be opened or read (permissions, I/O errors): left, logged.</param>
/// <param name="Refused">Files that turned out not to be regular files with one name in their place: left, logged.</param>
/// <param name="Stuck">Files whose run could not move them, and that still cannot be moved: left, never ingested again.</param>
internal sealed record SweepSummary(int Number, int Found, int Queued, int Duplicate, int NotReady, int Busy, long DurationMs, DateTimeOffset? NextReadyAt = null,
    int Unreadable = 0, int Refused = 0, int Stuck = 0);

/// <summary>
/// Runs the sweep at start-up and then every <c>Ingestion:SweepIntervalSeconds</c> (on the injected clock,
/// so tests drive it), in one instance at a time (<see cref="Sweeper.SweepUnlessBusy"/>) — sooner when a file it had to leave becomes ready before that: a file dropped just
/// before a restart is taken once settled, not a whole interval later.
/// </summary>
internal sealed class SweepService(Sweeper sweeper, IOptions<IngestionOptions> options, TimeProvider time, ILogger<SweepService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var interval = TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            var next = started + interval;
            try
            {
                if (sweeper.SweepUnlessBusy(stoppingToken)?.NextReadyAt is { } ready && ready < next)
                {
                    // A second late, so the file's modification time is safely past the settle time.
                    next = ready + TimeSpan.FromSeconds(1);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A sweep that fails (job storage down, data root unreadable) is tried again at the next tick.
                log.LogError(ex, "Sweep failed");
            }

            var delay = next - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // The host stops: not a failure of the sweep.
                    return;
                }
            }
        }
    }
}
