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
    IOptions<JobsOptions> jobs,
    BackgroundPriority priority,
    FirstUploadTrigger firstUpload,
    TimeProvider time,
    ILogger<IngestFileJob> log)
{
    private static readonly System.Reflection.MethodInfo Run = typeof(IngestFileJob).GetMethod(nameof(RunAsync))!;

    /// <summary>The job for a file, built directly: <c>Job.FromExpression</c> would evaluate a lambda on every hook call.</summary>
    public static Job For(string relativePath, RunTrigger trigger) =>
        new(typeof(IngestFileJob), Run, relativePath, trigger, null, CancellationToken.None);

    [Queue(JobQueues.Ingest)]
    [ReleaseFileClaim]
    [DisplayName("Ingest {0} ({1})")]
    public async Task RunAsync(string relativePath, RunTrigger trigger, PerformContext? context, CancellationToken cancellationToken)
    {
        var retry = context?.GetJobParameter<int>("RetryCount") ?? 0;
        var started = time.GetUtcNow();
        var outcome = await priority.RunAsync(
            () => pipeline.IngestAsync(relativePath, retry > 0 ? RunTrigger.Retry : trigger, cancellationToken), cancellationToken);
        if (outcome.Run is not { } run)
        {
            log.LogInformation("No run for {File}: {Reason}", relativePath, outcome.Problem);
            return;
        }

        // The file is settled (moved away), or this was the last try: let the next event or sweep have it now.
        var lastTry = retry >= jobs.Value.RetryDelays.Count;
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
}

/// <summary>The run was deferred (sink unreachable, file unreadable): a transient failure Hangfire retries.</summary>
internal sealed class IngestDeferredException(string message) : Exception(message);
