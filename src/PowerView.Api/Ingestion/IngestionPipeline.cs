using System.Diagnostics;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion.LineProtocol;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Ingestion.Tsv;
using PowerView.Api.Runs;

namespace PowerView.Api.Ingestion;

/// <summary>
/// One run over one file, the same for hook jobs, the sweep and the CLI: lock the file, read it into
/// the sink, move it to <c>parsed/</c> or <c>error/</c> (or leave it for a retry), and record the run.
/// </summary>
internal sealed class IngestionPipeline(
    DataLayout layout,
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
    public Task<IngestOutcome> IngestAsync(string path, RunTrigger trigger, CancellationToken cancellationToken)
    {
        var file = layout.TryResolveFile(path, out var problem);
        return file is null
            ? Task.FromResult(IngestOutcome.NotADataFile(problem!))
            : IngestAsync(file, trigger, cancellationToken);
    }

    public async Task<IngestOutcome> IngestAsync(DataFile file, RunTrigger trigger, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = await OpenExclusiveAsync(file.FullPath, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return IngestOutcome.Gone;
        }
        catch (IOException)
        {
            return IngestOutcome.Busy;
        }
        catch (UnauthorizedAccessException ex)
        {
            return IngestOutcome.NotADataFile($"the file cannot be read: {ex.Message}");
        }

        await using (stream)
        {
            var startedAt = time.GetUtcNow();
            var attempt = await recorder.NextAttemptAsync(file.Company, file.Campaign, file.DeviceFolder, file.FileName, cancellationToken);
            var clock = Stopwatch.StartNew();
            var outcome = await RunAsync(file, stream, trigger, RunRecord.NewId(startedAt), cancellationToken);
            var warnings = new List<string>(outcome.Result?.Warnings ?? []);

            // The move happens while the lock is held, so no other run can start on this file meanwhile.
            var movedTo = outcome.Status switch
            {
                RunStatus.Success => Move(file, DataLayout.ParsedFolder, warnings),
                RunStatus.Error => Move(file, DataLayout.ErrorFolder, warnings),
                _ => null,
            };

            var run = new RunRecord
            {
                Id = outcome.RunId,
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
                Counters = outcome.Result?.Counters ?? RunCounters.None,
                TimeStart = outcome.Result?.TimeStart,
                TimeEnd = outcome.Result?.TimeEnd,
                Error = outcome.Error,
                Message = outcome.Message,
                Warnings = warnings,
                Channels = outcome.Result?.Channels ?? [],
            };
            run = await meta.WriteFileAsync(recorder.Redacted(run), CancellationToken.None);
            await recorder.RecordAsync(run, CancellationToken.None);
            log.LogInformation(
                "Ingestion {Status}: {Company}/{Campaign}/{Device}/{File}, {Points} points in {DurationMs} ms (run {RunId}, attempt {Attempt}){Error}",
                run.Status.Wire(), run.Company, run.Campaign, run.DeviceMasterSn, run.FileName,
                run.Counters.PointsWritten, run.DurationMs, run.Id, run.Attempt, run.Error is null ? "" : ": " + run.Error);
            return IngestOutcome.Completed(run);
        }
    }

    /// <summary>
    /// FileShare.None takes an exclusive advisory lock (flock on Linux), held until the file has moved: a
    /// second run of the same file, in this process or another, is refused here. Every other .NET reader
    /// takes a shared lock, and one of them is expected: the sweep's readiness probe (FileReadiness) reads a
    /// few kilobytes of each waiting file. Running into it is no reason to give the file up — the job that
    /// holds the file's claim would end without a run, and the next event or sweep would queue it a second
    /// time — so while only shared locks are in the way the open is tried again for a short while.
    /// </summary>
    /// <exception cref="IOException">Another run holds the file (or readers kept it for longer than <see cref="ReaderPatience"/>).</exception>
    private async Task<FileStream> OpenExclusiveAsync(string path, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 64 * 1024, FileOptions.SequentialScan);
            }
            catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException)
                && waited < ReaderPatience && OnlyReadersHold(path))
            {
            }

            await Task.Delay(delay, time, cancellationToken);
            waited += delay;
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReaderWait.Ticks));
        }
    }

    /// <summary>True when a shared lock can be had now: whoever refused the exclusive one was a reader, not a run.</summary>
    private static bool OnlyReadersHold(string path)
    {
        try
        {
            using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Moved meanwhile: the next try says so.
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task<Attempted> RunAsync(DataFile file, FileStream stream, RunTrigger trigger, string runId, CancellationToken cancellationToken)
    {
        if (trigger == RunTrigger.Sweep
            && FileReadiness.WhyNotReady(stream, File.GetLastWriteTimeUtc(file.FullPath), time.GetUtcNow(), ingestion.Value) is { } wait)
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
            var target = new SinkTarget(file.Company, $"{Path.GetFileNameWithoutExtension(file.FileName)}.{runId}");
            var result = await _ingestor.IngestAsync(stream, file.Campaign, file.DeviceFolder, zones.For(file.Company, file.Campaign),
                (body, ct) => sink.WriteAsync(target, body, ct), cancellationToken);
            return new Attempted(runId, RunStatus.Success, result);
        }
        catch (Exception ex) when (ex is FileRejectedException or UnsafeNameException or InvalidDataException or SinkRejectedException)
        {
            return new Attempted(runId, RunStatus.Error, Error: ex.Message);
        }
        catch (SinkUnavailableException ex)
        {
            return new Attempted(runId, RunStatus.Deferred, Error: ex.Message);
        }
        catch (IOException ex)
        {
            // Reading the file failed (not its content): leave it and try again later.
            return new Attempted(runId, RunStatus.Deferred, Error: $"could not read the file: {ex.Message}");
        }
    }

    /// <summary>How reading the file went, before the move and the record.</summary>
    private sealed record Attempted(string RunId, RunStatus Status, FileIngestionResult? Result = null, string? Error = null, string? Message = null);

    private string? Move(DataFile file, string folder, List<string> warnings)
    {
        try
        {
            var target = FileMover.MoveInto(file.FullPath, folder);
            var relative = Path.GetRelativePath(layout.DataRoot, target);
            return relative.StartsWith("..", StringComparison.Ordinal) ? target : relative.Replace(Path.DirectorySeparatorChar, '/');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"the file could not be moved to {folder}/: {ex.Message}");
            log.LogError(ex, "Could not move {File} to {Folder}/", file.FullPath, folder);
            return null;
        }
    }
}
