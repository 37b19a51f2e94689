using Serilog.Core;
using Serilog.Events;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// A Serilog sink the test hosts register as a service (Serilog reads sinks from the container): the structured events
/// the service logs, for tests that wait for something only the logs tell (a sweep, a purge) or check what is logged.
/// </summary>
public sealed class LogEvents : ILogEventSink
{
    private readonly Waiters<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> All => _events.Seen;

    public void Emit(LogEvent logEvent) => _events.Add(logEvent);

    /// <summary>The first event (logged or to come) of this message template that matches.</summary>
    public Task<LogEvent> WaitForAsync(string templateStart, Func<LogEvent, bool>? match = null) =>
        _events.WaitForAsync(e => e.MessageTemplate.Text.StartsWith(templateStart, StringComparison.Ordinal) && (match?.Invoke(e) ?? true),
            $"log event '{templateStart}…'");

    /// <summary>The sweep numbered <paramref name="number"/> (1 = the start-up sweep), from its summary event.</summary>
    public async Task<SweepLog> WaitForSweepAsync(int number)
    {
        var e = await WaitForAsync("Sweep {Number}:", e => Scalar<int>(e, "Number") == number);
        return new SweepLog(number, Scalar<int>(e, "Found"), Scalar<int>(e, "Queued"), Scalar<int>(e, "Duplicate"),
            Scalar<int>(e, "NotReady"), Scalar<int>(e, "Busy"), e.Properties.TryGetValue("NextReadyAt", out var next) && next is ScalarValue { Value: DateTimeOffset at } ? at : null);
    }

    /// <summary>
    /// The end of the host's first periodic sweep: done, or skipped because another instance sharing the job storage was
    /// sweeping (<c>Sweeper.SweepUnlessBusy</c>).
    /// </summary>
    public Task<LogEvent> WaitForFirstSweepTurnAsync() =>
        _events.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Sweep skipped", StringComparison.Ordinal)
            || (e.MessageTemplate.Text.StartsWith("Sweep {Number}:", StringComparison.Ordinal) && Scalar<int>(e, "Number") == 1), "first sweep, done or skipped");

    /// <summary>The <paramref name="number"/>th retention purge (1 = the start-up one).</summary>
    public async Task<(DateTimeOffset Cutoff, int RunsDeleted, int ReportFoldersDeleted)> WaitForPurgeAsync(int number)
    {
        const string Purge = "Retention: {RunsDeleted}";
        var e = await WaitForAsync(Purge, e => _events.Seen.Where(x => x.MessageTemplate.Text.StartsWith(Purge, StringComparison.Ordinal))
            .TakeWhile(x => !ReferenceEquals(x, e)).Count() == number - 1);
        return (Scalar<DateTimeOffset>(e, "Cutoff"), Scalar<int>(e, "RunsDeleted"), Scalar<int>(e, "ReportFoldersDeleted"));
    }

    public static T Scalar<T>(LogEvent e, string property) =>
        e.Properties.TryGetValue(property, out var value) && value is ScalarValue { Value: T typed }
            ? typed
            : throw new InvalidOperationException($"log event '{e.MessageTemplate.Text}' has no {typeof(T).Name} property {property}");
}

/// <summary>A sweep's summary as its log event tells it.</summary>
public sealed record SweepLog(int Number, int Found, int Queued, int Duplicate, int NotReady, int Busy, DateTimeOffset? NextReadyAt);
