using Hangfire;
using Hangfire.Common;

namespace PowerView.Api.Jobs;

/// <summary>
/// Hangfire's global filters, with its default retry policy (10 tries) replaced by ours, built from
/// <c>Jobs:RetryDelaysSeconds</c>. One instance per host instead of Hangfire's static collection, so that
/// hosts with different settings can live in one process.
/// </summary>
internal sealed class JobFilters : IJobFilterProvider
{
    private readonly JobFilter _retry;

    public JobFilters(IReadOnlyList<int> retryDelays)
    {
        var retry = new AutomaticRetryAttribute
        {
            Attempts = retryDelays.Count,
            DelaysInSeconds = [.. retryDelays],
            // The job then shows in the dashboard's Failed list; its claim is released, and the sweep will
            // find the file (still in place) and start a new series of tries.
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
        };
        _retry = new JobFilter(retry, JobFilterScope.Global, null);
    }

    public IEnumerable<JobFilter> GetFilters(Job job) =>
        JobFilterProviders.Providers.GetFilters(job)
            .Where(f => f.Instance is not AutomaticRetryAttribute)
            .Append(_retry);
}
