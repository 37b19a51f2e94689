using PowerView.Api.Hosting;

namespace PowerView.Api.Runs;

/// <summary>
/// Tells in-process listeners that a run was recorded. The service itself does not need it; it lets
/// tests and diagnostics wait for a run to finish instead of polling or sleeping.
/// </summary>
internal sealed class RunNotifications
{
    private readonly RecentEvents<RunReport> _runs = new(256);

    /// <summary>The last 256 runs recorded, oldest first.</summary>
    public IReadOnlyCollection<RunReport> Recent => _runs.Recent;

    public void Publish(RunReport report) => _runs.Publish(report);

    /// <summary>Completes with the first run (already recorded, or to come) that matches.</summary>
    public Task<RunReport> WaitForAsync(Func<RunReport, bool> match, CancellationToken cancellationToken) =>
        _runs.WaitForAsync(match, cancellationToken);
}
