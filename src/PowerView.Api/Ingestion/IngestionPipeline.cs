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
    IRunStore store,
    RunRecorder recorder,
    IOptions<InfluxOptions> influx,
    IOptions<IngestionOptions> ingestion,
    TimeProvider time,
    ILogger<IngestionPipeline> log)
{
    /// <summary>A probe holds its shared lock for well under a millisecond; seconds means something else keeps the file.</summary>
    private static readonly TimeSpan ReaderPatience = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan MaxReaderWait = TimeSpan.FromMilliseconds(250);

    private readonly TsvIngestor _ingestor = new(FormatRegistry.Default, influx.Value.ChunkLines);

    /// <summary>Ingests a file of the data root (the path may be absolute or relative to the root).</summary>
    public Task<IngestOutcome> IngestAsync(string path, string trigger, CancellationToken cancellationToken)
    {
        var file = layout.TryResolveFile(path, out var problem);
        return file is null
            ? Task.FromResult(IngestOutcome.NotADataFile(problem!))
            : IngestAsync(file, trigger, cancellationToken);
    }

    public async Task<IngestOutcome> IngestAsync(DataFile file, string trigger, CancellationToken cancellationToken)
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
            var report = new RunReport
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()).ToString("N"),
                Kind = RunKind.Ingest,
                Trigger = trigger,
                StartedAt = time.GetUtcNow(),
                Company = file.Company,
                Campaign = file.Campaign,
                DeviceMasterSn = file.DeviceFolder,
                FileName = file.FileName,
                FilePath = file.RelativePath ?? file.FullPath,
                Bucket = file.Company,
            };
            report.Attempt = await store.CountFileRunsAsync(file.Company, file.Campaign, file.DeviceFolder, file.FileName, cancellationToken) + 1;

            var clock = Stopwatch.StartNew();
            var status = await RunAsync(file, stream, trigger, report, cancellationToken);
            report.Finish(status, report.StartedAt + clock.Elapsed);

            // The move happens while the lock is held, so no other run can start on this file meanwhile.
            report.MovedTo = status switch
            {
                RunStatus.Success => Move(file, DataLayout.ParsedFolder, report),
                RunStatus.Error => Move(file, DataLayout.ErrorFolder, report),
                _ => null,
            };

            await recorder.RecordAsync(report, CancellationToken.None);
            log.LogInformation(
                "Ingestion {Status}: {Company}/{Campaign}/{Device}/{File}, {Points} points in {DurationMs} ms (run {RunId}, attempt {Attempt}){Error}",
                report.Status, report.Company, report.Campaign, report.DeviceMasterSn, report.FileName,
                report.PointsWritten, report.DurationMs, report.Id, report.Attempt, report.Error is null ? "" : ": " + report.Error);
            return IngestOutcome.Completed(report);
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

    private async Task<string> RunAsync(DataFile file, FileStream stream, string trigger, RunReport report, CancellationToken cancellationToken)
    {
        if (trigger == IngestTrigger.Sweep
            && FileReadiness.WhyNotReady(stream, File.GetLastWriteTimeUtc(file.FullPath), time.GetUtcNow(), ingestion.Value) is { } wait)
        {
            report.Message = wait;
            return RunStatus.Skipped;
        }

        if (DataLayout.BucketNameProblem(file.Company) is { } bucketProblem)
        {
            report.Error = $"the company folder '{file.Company}' cannot be an InfluxDB bucket: {bucketProblem}";
            return RunStatus.Error;
        }

        try
        {
            await sink.EnsureBucketAsync(file.Company, cancellationToken);
            var target = new SinkTarget(file.Company, $"{Path.GetFileNameWithoutExtension(file.FileName)}.{report.Id}");
            var result = await _ingestor.IngestAsync(stream, file.Campaign, file.DeviceFolder,
                (body, ct) => sink.WriteAsync(target, body, ct), cancellationToken);
            Fill(report, result);
            return RunStatus.Success;
        }
        catch (Exception ex) when (ex is FileRejectedException or UnsafeNameException or InvalidDataException)
        {
            report.Error = ex.Message;
            return RunStatus.Error;
        }
        catch (SinkRejectedException ex)
        {
            report.Error = ex.Message;
            return RunStatus.Error;
        }
        catch (SinkUnavailableException ex)
        {
            report.Error = ex.Message;
            return RunStatus.Deferred;
        }
        catch (IOException ex)
        {
            // Reading the file failed (not its content): leave it and try again later.
            report.Error = $"could not read the file: {ex.Message}";
            return RunStatus.Deferred;
        }
    }

    private static void Fill(RunReport report, FileIngestionResult result)
    {
        report.Format = result.Format;
        report.FileMasterSn = result.FileMasterSn;
        report.TimeZone = result.TimeZone;
        report.Metadata = result.Metadata;
        report.LinesTotal = result.LinesTotal;
        report.LinesIgnored = result.LinesIgnored;
        report.RowsIngested = result.RowsIngested;
        report.InvalidTimestamps = result.InvalidTimestamps;
        report.InvalidValues = result.InvalidValues;
        report.TruncatedLines = result.TruncatedLines;
        report.PointsWritten = result.PointsWritten;
        report.ChannelCount = result.Channels.Count;
        report.TimeStart = result.TimeStart;
        report.TimeEnd = result.TimeEnd;
        report.Warnings.AddRange(result.Warnings);
        report.Channels = result.Channels;
    }

    private string? Move(DataFile file, string folder, RunReport report)
    {
        try
        {
            var target = FileMover.MoveInto(file.FullPath, folder);
            var relative = Path.GetRelativePath(layout.DataRoot, target);
            return relative.StartsWith("..", StringComparison.Ordinal) ? target : relative.Replace(Path.DirectorySeparatorChar, '/');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            report.Warnings.Add($"the file could not be moved to {folder}/: {ex.Message}");
            log.LogError(ex, "Could not move {File} to {Folder}/", file.FullPath, folder);
            return null;
        }
    }
}

/// <summary>What asked for a run.</summary>
internal static class IngestTrigger
{
    public const string Hook = "hook";
    public const string Sweep = "sweep";
    public const string Cli = "cli";

    /// <summary>A job's second or later try, after a deferred run.</summary>
    public const string Retry = "retry";
}

/// <summary>The result of asking for a file: a finished run, or why there was none.</summary>
internal sealed record IngestOutcome(string Kind, RunReport? Report = null, string? Problem = null)
{
    public static readonly IngestOutcome Gone = new("gone", Problem: "the file is no longer there (already processed or removed)");
    public static readonly IngestOutcome Busy = new("busy", Problem: "the file is being processed by another run");

    public static IngestOutcome Completed(RunReport report) => new("completed", report);

    public static IngestOutcome NotADataFile(string problem) => new("invalid", Problem: problem);
}
