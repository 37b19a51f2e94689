using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace PowerView.Api.Jobs;

/// <summary>
/// Hangfire's global filters, with its default retry policy (10 tries) replaced by ours, built from
/// <c>Jobs:RetryDelaysSeconds</c>. One instance per host instead of Hangfire's static collection, so that
/// hosts with different settings can live in one process. State filters registered as services
/// (<see cref="IApplyStateFilter"/>) take part in every job too.
/// </summary>
internal sealed class JobFilters : IJobFilterProvider
{
    private readonly JobFilter[] _own;

    public JobFilters(IReadOnlyList<int> retryDelays, IEnumerable<IApplyStateFilter> stateFilters)
    {
        var retry = new AutomaticRetryAttribute
        {
            Attempts = retryDelays.Count,
            DelaysInSeconds = [.. retryDelays],
            // The job then shows in the dashboard's Failed list; its claim is released, and the sweep will
            // find the file (still in place) and start a new series of tries.
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
        };
        _own = [new JobFilter(retry, JobFilterScope.Global, null), .. stateFilters.Select(f => new JobFilter(f, JobFilterScope.Global, null))];
    }

    public IEnumerable<JobFilter> GetFilters(Job job) =>
        JobFilterProviders.Providers.GetFilters(job)
            .Where(f => f.Instance is not AutomaticRetryAttribute)
            .Concat(_own);
}
