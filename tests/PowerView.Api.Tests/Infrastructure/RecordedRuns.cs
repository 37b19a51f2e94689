using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Runs;
using PowerView.Api.Runs.Contracts;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// A decorator the test hosts put around the run store: every run recorded goes to the real store, then is told to
/// the test, which can wait for it instead of polling or sleeping.
/// </summary>
public sealed class RecordedRuns
{
    private readonly Waiters<RunRecord> _runs = new();

    internal IReadOnlyList<RunRecord> All => _runs.Seen;

    internal Task<RunRecord> WaitForAsync(Func<RunRecord, bool> match) => _runs.WaitForAsync(match, "matching run recorded");

    internal IReadOnlyList<RunRecord> Of(string fileName) => [.. _runs.Seen.Where(r => r.FileName == fileName)];

    /// <summary>Wraps the host's <see cref="IRunStore"/> registration.</summary>
    internal void Register(IServiceCollection services)
    {
        var registration = services.Last(d => d.ServiceType == typeof(IRunStore));
        services.Remove(registration);
        services.AddSingleton(sp => new Inner(registration.ImplementationType is { } type
            ? (IRunStore)ActivatorUtilities.CreateInstance(sp, type)
            : (IRunStore)registration.ImplementationFactory!(sp)));
        services.AddSingleton<IRunStore>(sp => new Store(sp.GetRequiredService<Inner>().Store, this));
    }

    /// <summary>Owns the real store, so the container still disposes it with the host.</summary>
    private sealed class Inner(IRunStore store) : IDisposable
    {
        public IRunStore Store => store;

        public void Dispose() => (store as IDisposable)?.Dispose();
    }

    private sealed class Store(IRunStore inner, RecordedRuns runs) : IRunStore
    {
        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public async Task RecordAsync(RunRecord run, CancellationToken cancellationToken)
        {
            await inner.RecordAsync(run, cancellationToken);
            runs._runs.Add(run);
        }

        public Task<int> CountFileRunsAsync(string company, string campaign, string deviceFolder, string fileName, CancellationToken cancellationToken) =>
            inner.CountFileRunsAsync(company, campaign, deviceFolder, fileName, cancellationToken);

        public Task<int> DeleteRunsStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
            inner.DeleteRunsStartedBeforeAsync(cutoff, cancellationToken);

        public Task<RunDetail?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public Task<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        public Task<IAsyncDisposable?> TryLeaseAsync(string task, CancellationToken cancellationToken) => inner.TryLeaseAsync(task, cancellationToken);

        public Task<IReadOnlyList<RunSummary>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken) =>
            inner.ListRunsAsync(query, cancellationToken);

        public Task<IReadOnlyList<CampaignSummary>> ListCampaignsAsync(CampaignQuery query, CancellationToken cancellationToken) =>
            inner.ListCampaignsAsync(query, cancellationToken);

        public Task<CampaignDetail?> GetCampaignAsync(string company, string campaign, CancellationToken cancellationToken) =>
            inner.GetCampaignAsync(company, campaign, cancellationToken);

        public Task<IReadOnlyList<DailyStats>> DailyStatsAsync(DailyQuery query, CancellationToken cancellationToken) =>
            inner.DailyStatsAsync(query, cancellationToken);
    }
}
