namespace PowerView.Api.Runs.Retention;

/// <summary>Purges at start-up and then every hour (on the injected clock, so tests drive it); does nothing when retention is 0.</summary>
internal sealed class RunRetentionService(RunRetention retention, TimeProvider time, ILogger<RunRetentionService> log) : BackgroundService
{
    /// <summary>Hourly: each purge is then small, and the history kept is the configured length to the hour.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (retention.RetentionDays == 0)
        {
            log.LogInformation("Run retention is off (Runs:RetentionDays = 0): the run history is kept forever");
            return;
        }

        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            // The next tick is counted from this one's start: a clock that moved on meanwhile shortens the wait.
            var next = time.GetUtcNow() + Interval;
            try
            {
                await retention.PurgeAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A locked or unreadable store is tried again at the next tick; nothing is lost by waiting.
                log.LogError(ex, "Run retention purge failed");
            }

            var delay = next - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // The host stops: not a failure of the retention.
                    return;
                }
            }
        }
    }
}
