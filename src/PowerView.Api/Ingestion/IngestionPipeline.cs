using System.Diagnostics;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion.LineProtocol;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Ingestion.Tsv;
using PowerView.Api.Runs;

namespace PowerView.Api.Ingestion;

/// <summary>
/// One run over one file, the same for hook jobs, the sweep and the CLI: open the file the one way (<see cref="DataFileAccess"/>,
/// locked), read it into the sink, move it to <c>parsed/</c> or <c>error/</c> (or leave it for a retry), and record the run.
/// The move comes before the record, and a run the store refuses puts the file back: a file leaves its device folder only
/// with its run in the history. A file that cannot be moved is marked (<see cref="StuckFiles"/>) and not taken again.
/// </summary>
internal sealed class IngestionPipeline(
    DataLayout layout,
    DataFileAccess access,
    StuckFiles stuck,
    ILineProtocolSink sink,
    RunRecorder recorder,
    MetaPointWriter meta,
    IOptions<InfluxOptions> influx,
    IOptions<IngestionOptions> ingestion,
    LocalTimeZones zones,
    TimeProvider time,
    ILogger<IngestionPipeline> log)
{
    /// <summary>A probe holds its shared lock for well under a millisecond; seconds means something else keeps the file.</summary>
    private static readonly TimeSpan ReaderPatience = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan MaxReaderWait = TimeSpan.FromMilliseconds(250);

    private readonly TsvIngestor _ingestor = new(FormatRegistry.Default, influx.Value.ChunkLines);

    /// <summary>Ingests a file of the data root (the path may be absolute or relative to the root).</summary>
    /// <param name="expectedSize">The size the upload event said (SFTPGo's <c>file_size</c>): a file of another size is still being written.</param>
    public Task<IngestOutcome> IngestAsync(string path, RunTrigger trigger, CancellationToken cancellationToken, long? expectedSize = null)
    {
        var file = layout.TryResolveFile(path, out var problem);
        return file is null
            ? Task.FromResult(IngestOutcome.NotADataFile(problem!))
            : IngestAsync(file, trigger, cancellationToken, expectedSize);
    }

    public async Task<IngestOutcome> IngestAsync(DataFile file, RunTrigger trigger, CancellationToken cancellationToken, long? expectedSize = null)
    {
        if (stuck.Find(file) is { } marker)
        {
            // Its run is in the history; reading it again would only write the same points again, every time.
            return stuck.TrySettle(file, marker, out var still) is { } settled
                ? IngestOutcome.Settled(settled)
                : IngestOutcome.Stuck($"its run {marker.RunId} could not move it to {marker.Folder}/ ({marker.Reason}) and it still cannot be moved ({still}): it is not ingested again until it can be");
        }

        OpenedDataFile opened;
        try
        {
            opened = await OpenExclusiveAsync(file, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return IngestOutcome.Gone;
        }
        catch (FileLockedException)
        {
            return IngestOutcome.Busy;
        }
        catch (DataFileRefusedException ex)
        {
            return IngestOutcome.NotADataFile(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return IngestOutcome.NotADataFile($"the file cannot be read: {ex.Message}");
        }

        using (opened)
        {
            var startedAt = time.GetUtcNow();
            var attempt = await recorder.NextAttemptAsync(file.Company, file.Campaign, file.DeviceFolder, file.FileName, cancellationToken);
            var clock = Stopwatch.StartNew();
            var runId = RunRecord.NewId(startedAt);
            var target = new SinkTarget(file.Company, $"{Path.GetFileNameWithoutExtension(file.FileName)}.{runId}", WholeRun: true);
            var progress = new IngestProgress();
            Attempted outcome;
            try
            {
                outcome = await RunAsync(opened, trigger, expectedSize, runId, target, progress, cancellationToken);
            }
            finally
            {
                await sink.CompleteAsync(target, CancellationToken.None);
            }

            outcome = UnlessChanged(opened, outcome);
            var warnings = new List<string>(outcome.Result?.Warnings ?? []);
            var folder = outcome.Status switch
            {
                RunStatus.Success => DataLayout.ParsedFolder,
                RunStatus.Error => DataLayout.ErrorFolder,
                _ => null,
            };

            // The move happens while the lock is held, so no other run can start on this file meanwhile.
            string? movedTo = null;
            string? notMoved = null;
            if (folder is not null)
            {
                try
                {
                    movedTo = access.MoveInto(opened, folder);
                }
                catch (Exception ex) when (ex is FileMoveException or IOException)
                {
                    notMoved = ex.Message;
                    warnings.Add($"the file could not be moved to {folder}/: {ex.Message}");
                }
            }

            var run = new RunRecord
            {
                Id = runId,
                Kind = RunKind.Ingest,
                Trigger = trigger,
                Status = outcome.Status,
                Company = file.Company,
                Campaign = file.Campaign,
                DeviceMasterSn = file.DeviceFolder,
                FileName = file.FileName,
                FilePath = file.RelativePath ?? file.FullPath,
                MovedTo = movedTo,
                StartedAt = startedAt,
                FinishedAt = startedAt + clock.Elapsed,
                Attempt = attempt,
                Bucket = file.Company,
                Format = outcome.Result?.Format,
                FileMasterSn = outcome.Result?.FileMasterSn,
                TimeZone = outcome.Result?.TimeZone,
                TimeZoneSource = outcome.Result?.TimeZoneSource,
                TimeZoneRules = outcome.Result?.TimeZoneRules,
                Metadata = outcome.Result?.Metadata,
                Counters = (outcome.Counters ?? RunCounters.None) with { WriteRetries = progress.WriteRetries },
                TimeStart = outcome.Result?.TimeStart,
                TimeEnd = outcome.Result?.TimeEnd,
                Error = outcome.Error,
                Message = notMoved is null
                    ? outcome.Message
                    : $"not moved to {folder}/: {notMoved}; it is not ingested again until it can be moved (see /api/files/stuck)",
                Warnings = warnings,
                Channels = outcome.Result?.Channels ?? [],
            };
            run = await meta.WriteFileAsync(recorder.Redacted(run), CancellationToken.None);
            try
            {
                run = await recorder.RecordAsync(run, CancellationToken.None);
            }
            catch (RunNotRecordedException ex)
            {
                return NotRecorded(run, movedTo, opened.Status.Identity, ex.Message);
            }

            if (notMoved is not null)
            {
                // Marked only once its run is recorded: a file whose run is not in the history must be taken again.
                var unmarked = stuck.Mark(file, opened.Status.Identity, folder!, run.Id, notMoved);
                log.LogError("Could not move {File} to {Folder}/ after run {RunId}: {Problem}; {What}", file.RelativePath, folder, run.Id, notMoved,
                    unmarked is null ? "it is not ingested again until it can be moved" : $"and the marker that keeps it from being ingested again could not be written ({unmarked})");
            }

            log.LogInformation(
                "Ingestion {Status}: {Company}/{Campaign}/{Device}/{File}, {Points} points in {DurationMs} ms (run {RunId}, attempt {Attempt}){Error}",
                run.Status.Wire(), run.Company, run.Campaign, run.DeviceMasterSn, run.FileName,
                run.Counters.PointsWritten, run.DurationMs, run.Id, run.Attempt, run.Error is null ? "" : ": " + run.Error);
            return IngestOutcome.Completed(run);
        }
    }

    /// <summary>
    /// The run store refused the run: it would vanish, so the file goes back where it was (the points it wrote are written
    /// again, to the same series and timestamps, by the run that takes it next and is recorded). Logged either way.
    /// </summary>
    private IngestOutcome NotRecorded(RunRecord run, string? movedTo, Files.FileIdentity identity, string problem)
    {
        var file = layout.TryResolveFile(run.FilePath!, out _)!;
        var stayed = movedTo is null ? null : access.MoveBack(file, movedTo, identity);
        var where = movedTo is null
            ? "the file stays where it is and is taken again"
            : stayed is null ? $"the file was put back from {movedTo} and is taken again" : $"the file stays in {movedTo}: {stayed}";
        var level = movedTo is not null && stayed is not null ? LogLevel.Critical : LogLevel.Error;
        log.Log(level, "Run {RunId} ({Status}, {Points} points) of {File} is not in the run history: {Problem}; {Where}",
            run.Id, run.Status.Wire(), run.Counters.PointsWritten, run.FilePath, problem, where);
        return IngestOutcome.NotRecorded($"run {run.Id} ({run.Status.Wire()}, {run.Counters.PointsWritten} points) was not recorded: {problem}; {where}");
    }

    /// <summary>
    /// A file that changed while it was read (appended, rewritten) is not moved: its later rows would sit in parsed/
    /// unread. What was read is written and counted; the file waits for its next event or the sweep.
    /// </summary>
    private static Attempted UnlessChanged(OpenedDataFile opened, Attempted outcome)
    {
        if (outcome.Status is not (RunStatus.Success or RunStatus.Error))
        {
            return outcome;
        }

        var now = DataFileAccess.StatusOf(opened);
        return now.Identity == opened.Status.Identity
            ? outcome
            : outcome with
            {
                Status = RunStatus.Skipped,
                Error = null,
                Message = $"the file changed while it was read ({opened.Length} bytes, now {now.Size}): left for its next upload event or the sweep"
                    + (outcome.Error is null ? "" : $" (it was refused: {outcome.Error})"),
            };
    }

    /// <summary>
    /// The exclusive lock (flock on Linux), held until the file has moved: a second run of the same file, in this
    /// process or another, is refused here. A reader is expected: the sweep's readiness probe reads a few kilobytes of
    /// each waiting file under a shared lock. Running into it is no reason to give the file up — the job that holds the
    /// file's claim would end without a run, and the next event or sweep would queue it a second time — so while only
    /// shared locks are in the way the open is tried again for a short while.
    /// </summary>
    /// <exception cref="FileLockedException">Another run holds the file (or readers kept it for longer than <see cref="ReaderPatience"/>).</exception>
    private async Task<OpenedDataFile> OpenExclusiveAsync(DataFile file, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            try
            {
                return access.Open(file, exclusive: true);
            }
            catch (FileLockedException ex) when (ex.ByReaders && waited < ReaderPatience)
            {
            }

            await Task.Delay(delay, time, cancellationToken);
            waited += delay;
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReaderWait.Ticks));
        }
    }

    private async Task<Attempted> RunAsync(
        OpenedDataFile opened, RunTrigger trigger, long? expectedSize, string runId, SinkTarget target, IngestProgress progress, CancellationToken cancellationToken)
    {
        var file = opened.File;
        if (expectedSize is { } size && size != opened.Length)
        {
            // SFTPGo announces an upload once it is closed, with the size it wrote: a file of another size is being
            // written again (or was replaced). Its own event, or the sweep once it has settled, will take it.
            return new Attempted(runId, RunStatus.Skipped, Message:
                $"the file has {opened.Length} bytes but its upload event said {size}: it is still being written; left for its next upload event or the sweep");
        }

        if (trigger == RunTrigger.Sweep
            && FileReadiness.WhyNotReady(opened.Stream, opened.LastWriteUtc, time.GetUtcNow(), ingestion.Value) is { } wait)
        {
            return new Attempted(runId, RunStatus.Skipped, Message: wait);
        }

        if (DataLayout.BucketNameProblem(file.Company) is { } bucketProblem)
        {
            return new Attempted(runId, RunStatus.Error, Error: $"the company folder '{file.Company}' cannot be an InfluxDB bucket: {bucketProblem}");
        }

        try
        {
            await sink.EnsureBucketAsync(file.Company, cancellationToken);
            var result = await _ingestor.IngestAsync(opened.Stream, file.Campaign, file.DeviceFolder, zones.For(file.Company, file.Campaign),
                async (body, ct) => progress.AddRetries(await sink.WriteAsync(target, body, ct)), cancellationToken, progress);
            return new Attempted(runId, RunStatus.Success, result);
        }
        catch (Exception ex) when (ex is FileRejectedException or UnsafeNameException or InvalidDataException or SinkRejectedException)
        {
            return new Attempted(runId, RunStatus.Error, Error: ex.Message, Written: progress.Written);
        }
        catch (SinkUnavailableException ex)
        {
            progress.AddRetries(ex.Retries);
            return new Attempted(runId, RunStatus.Deferred, Error: ex.Message, Written: progress.Written);
        }
        catch (IOException ex)
        {
            // Reading the file failed (not its content): leave it and try again later.
            return new Attempted(runId, RunStatus.Deferred, Error: $"could not read the file: {ex.Message}", Written: progress.Written);
        }
    }

    /// <summary>How reading the file went, before the move and the record.</summary>
    /// <param name="Written">A run that failed half-way: the counters of what the sink acknowledged before.</param>
    private sealed record Attempted(
        string RunId, RunStatus Status, FileIngestionResult? Result = null, string? Error = null, string? Message = null, RunCounters? Written = null)
    {
        public RunCounters? Counters => Result?.Counters ?? Written;
    }
}
