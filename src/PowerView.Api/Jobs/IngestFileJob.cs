using System.ComponentModel;
using Hangfire;
using Hangfire.Common;
using Hangfire.Server;
using Microsoft.Extensions.Options;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Jobs;

/// <summary>
/// Hangfire job: one run of the ingestion pipeline over one file, a batch of one. Its arguments stay small
/// (the path relative to the data root and what asked for it). A deferred run (sink unreachable) throws
/// <see cref="IngestDeferredException"/> so that Hangfire tries again with back-off; the file stays where it
/// is meanwhile. A file that is gone or locked by another run simply ends the job: nothing to record.
/// </summary>
internal sealed class IngestFileJob(
    IngestionPipeline pipeline,
    FileClaims claims,
    MetaPointWriter meta,
    RunRecorder recorder,
    DataLayout layout,
    IOptions<JobsOptions> jobs,
    BackgroundPriority priority,
    FirstUploadTrigger firstUpload,
    TimeProvider time,
    ILogger<IngestFileJob> log)
{
    private static readonly System.Reflection.MethodInfo Run = typeof(IngestFileJob).GetMethod(nameof(RunAsync),
        [typeof(string), typeof(RunTrigger), typeof(long?), typeof(PerformContext), typeof(CancellationToken)])!;

    /// <summary>The job for a file, built directly: <c>Job.FromExpression</c> would evaluate a lambda on every hook call.</summary>
    /// <param name="fileSize">The upload event's <c>file_size</c> (null from the sweep).</param>
    public static Job For(string relativePath, RunTrigger trigger, long? fileSize = null) =>
        new(typeof(IngestFileJob), Run, relativePath, trigger, fileSize, null, CancellationToken.None);

    /// <summary>Jobs queued by an earlier release (no size argument) still find their method in a shared job storage.</summary>
    [Queue(JobQueues.Ingest)]
    [ReleaseFileClaim]
    [DisplayName("Ingest {0} ({1})")]
    public Task RunAsync(string relativePath, RunTrigger trigger, PerformContext? context, CancellationToken cancellationToken) =>
        RunAsync(relativePath, trigger, null, context, cancellationToken);

    [Queue(JobQueues.Ingest)]
    [ReleaseFileClaim]
    [NoteInterruptedTry]
    [DisplayName("Ingest {0} ({1})")]
    public async Task RunAsync(string relativePath, RunTrigger trigger, long? fileSize, PerformContext? context, CancellationToken cancellationToken)
    {
        var retry = context?.GetJobParameter<int>("RetryCount") ?? 0;
        var started = time.GetUtcNow();
        var interrupted = context?.GetJobParameter<InterruptedTry>(InterruptedTry.Parameter);
        if (interrupted is not null)
        {
            await RecordInterruptedAsync(relativePath, retry > 0 ? RunTrigger.Retry : trigger, interrupted, context!, started);
        }

        var outcome = await priority.RunAsync(
            () => pipeline.IngestAsync(relativePath, retry > 0 || interrupted is not null ? RunTrigger.Retry : trigger, cancellationToken, fileSize), cancellationToken);
        var lastTry = retry >= jobs.Value.RetryDelays.Count;
        if (outcome.Kind == IngestOutcomeKind.NotRecorded)
        {
            // The run store refused the run and the file is back in its place: tried again like a deferred run.
            if (context is not null && lastTry)
            {
                claims.Release(relativePath, context.BackgroundJob.Id);
            }

            throw new IngestDeferredException($"{relativePath} not recorded (try {retry + 1}{(lastTry ? ", the last" : "")}): {outcome.Problem}");
        }

        if (outcome.Run is not { } run)
        {
            log.LogInformation("No run for {File}: {Reason}", relativePath, outcome.Problem);
            return;
        }

        // The file is settled (moved away), or this was the last try: let the next event or sweep have it now.
        if (context is not null && (run.Status != RunStatus.Deferred || lastTry))
        {
            claims.Release(relativePath, context.BackgroundJob.Id);
        }

        await meta.WriteBatchAsync([run], started, time.GetUtcNow(), CancellationToken.None);
        await firstUpload.AfterIngestionAsync(run, trigger, CancellationToken.None);
        if (run.Status == RunStatus.Deferred)
        {
            throw new IngestDeferredException($"{relativePath} deferred (try {retry + 1}{(lastTry ? ", the last" : "")}): {run.Error}");
        }
    }

    /// <summary>
    /// The try that never ended, as a run of its own: deferred (the file stayed where it was, it is being tried again),
    /// started when that try started, finished when this worker took the job over, with why. The try that follows is
    /// the next attempt, triggered as a retry. Points the lost try wrote are written again: InfluxDB keeps one value per
    /// series and time.
    /// </summary>
    private async Task RecordInterruptedAsync(string relativePath, RunTrigger trigger, InterruptedTry lost, PerformContext context, DateTimeOffset now)
    {
        if (layout.TryResolveFile(relativePath, out _) is not { } file)
        {
            return;
        }

        var run = new RunRecord
        {
            Id = RunRecord.NewId(lost.StartedAt),
            Kind = RunKind.Ingest,
            Trigger = trigger,
            Status = RunStatus.Deferred,
            Company = file.Company,
            Campaign = file.Campaign,
            DeviceMasterSn = file.DeviceFolder,
            FileName = file.FileName,
            FilePath = file.RelativePath,
            Bucket = file.Company,
            StartedAt = lost.StartedAt,
            FinishedAt = now,
            Attempt = await recorder.NextAttemptAsync(file.Company, file.Campaign, file.DeviceFolder, file.FileName, CancellationToken.None),
            Error = $"interrupted: {lost.ServerId ?? "the instance"} running job {context.BackgroundJob.Id} stopped before the run ended; "
                + $"taken over by {context.ServerId} after {(now - lost.StartedAt).TotalSeconds:0} s",
        };
        await recorder.RecordAsync(run, CancellationToken.None);
        // Recorded once: a later retry of the same job is no takeover.
        context.SetJobParameter(InterruptedTry.Parameter, (InterruptedTry?)null);
        log.LogWarning("Job {JobId} of {File} was interrupted on {Server} (started {StartedAt:O}): taken over, run {RunId} recorded as deferred",
            context.BackgroundJob.Id, relativePath, lost.ServerId, lost.StartedAt, run.Id);
    }
}

/// <summary>The run was deferred (sink unreachable, file unreadable): a transient failure Hangfire retries.</summary>
internal sealed class IngestDeferredException(string message) : Exception(message);
