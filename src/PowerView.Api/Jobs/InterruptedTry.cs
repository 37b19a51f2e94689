using Hangfire.Common;
using Hangfire.States;

namespace PowerView.Api.Jobs;

/// <summary>
/// A try of a job that never ended: the instance running it died (killed, power cut) or stopped without finishing it,
/// and another worker took the job over (PostgreSQL storage: once the job's invisibility timed out). Hangfire shows
/// this only as a second Processing state; the job reads it from its parameter and records the lost try in the run
/// history before running again, so the history says what happened.
/// </summary>
/// <param name="ServerId">The Hangfire server (<c>host:queue:guid</c>) that was running it.</param>
/// <param name="StartedAt">When that try started.</param>
internal sealed record InterruptedTry(string? ServerId, DateTimeOffset StartedAt)
{
    /// <summary>The job parameter that carries it from the state change to the job.</summary>
    public const string Parameter = "PowerView.InterruptedTry";
}

/// <summary>
/// Notes an <see cref="InterruptedTry"/> when a job goes from Processing to Processing: a worker only does that with a
/// job it fetched while the job's last state says another worker is running it. An attribute, as Hangfire builds
/// those filters itself: it needs only the job's current state.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class NoteInterruptedTryAttribute : JobFilterAttribute, IElectStateFilter
{
    public void OnStateElection(ElectStateContext context)
    {
        if (context.CandidateState is not ProcessingState
            || !ProcessingState.StateName.Equals(context.CurrentState, StringComparison.Ordinal)
            || context.Connection.GetStateData(context.BackgroundJob.Id) is not { } previous
            || previous.Name != ProcessingState.StateName)
        {
            return;
        }

        var startedAt = previous.Data.TryGetValue("StartedAt", out var started) && JobHelper.DeserializeNullableDateTime(started) is { } at
            ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))
            : context.BackgroundJob.CreatedAt;
        context.SetJobParameter(InterruptedTry.Parameter, new InterruptedTry(previous.Data.TryGetValue("ServerId", out var server) ? server : null, startedAt));
    }
}
