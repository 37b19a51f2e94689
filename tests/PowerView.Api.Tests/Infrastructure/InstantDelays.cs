using System.Collections.Concurrent;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// A clock whose timers fire at once and remember what they were asked to wait: retry back-off and
/// Retry-After can be checked to the second without a test ever waiting for them.
/// </summary>
internal sealed class InstantDelays : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    /// <summary>Every delay asked for, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays => [.. _delays];

    /// <summary>Called when a delay is asked for, before it fires: lets a test change the world at exactly that point.</summary>
    public Action? OnDelay { get; init; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _delays.Enqueue(dueTime);
        OnDelay?.Invoke();
        return System.CreateTimer(callback, state, TimeSpan.Zero, period);
    }
}
