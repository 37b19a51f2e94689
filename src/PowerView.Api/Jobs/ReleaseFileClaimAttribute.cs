using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

namespace PowerView.Api.Jobs;

/// <summary>
/// Frees the file's claim in the same storage transaction that moves the job to a state it will not leave
/// by itself (succeeded, deleted, or failed once the retries are spent), so the next event or sweep can
/// queue the file again at once. Written as an attribute because Hangfire builds attribute filters itself:
/// it needs no service, only the job's first argument (the file's path).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ReleaseFileClaimAttribute : JobFilterAttribute, IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (context.NewState is { IsFinal: true } or FailedState
            && context.BackgroundJob.Job?.Args is [string relativePath, ..])
        {
            FileClaims.Release(context.Connection, transaction, relativePath, context.BackgroundJob.Id);
        }
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
