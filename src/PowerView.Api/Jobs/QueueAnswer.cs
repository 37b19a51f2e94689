namespace PowerView.Api.Jobs;

/// <summary>What asking for a job gave: a new job, or the one already queued or running for it.</summary>
internal sealed record QueueAnswer(bool IsNew, string JobId);
