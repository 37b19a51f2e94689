namespace PowerView.Api.Jobs;

/// <summary>Hangfire queues. Each has its own server and workers, so a backlog of uploads never delays provisioning.</summary>
internal static class JobQueues
{
    public const string Ingest = "ingest";
    public const string Provision = "provision";
}
