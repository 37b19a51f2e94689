namespace PowerView.Api.Jobs;

/// <summary>What asking for a job gave: <c>queued</c> (a new job) or <c>duplicate</c> (one is already queued or running).</summary>
internal sealed record QueueAnswer(string Status, string JobId)
{
    public const string Queued = "queued";
    public const string Duplicate = "duplicate";
}
