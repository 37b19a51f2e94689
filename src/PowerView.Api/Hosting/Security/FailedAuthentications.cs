using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace PowerView.Api.Hosting.Security;

/// <summary>
/// Counts the 401 answers per client address in a window of a minute; a client past the limit is answered 429 for the
/// rest of its window, whichever key it now presents (the right one included: guessing must cost time). Every
/// authentication of the service (hook secret, monitoring keys, the Hangfire dashboard) ends in a 401 here, so one
/// counter covers them all. The table stays bounded: windows that have ended are dropped.
/// </summary>
internal sealed class FailedAuthentications(IOptionsMonitor<RateLimitOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<IPAddress, FailureWindow> _counters = new();

    /// <returns>How long the client must wait, or null when it may go on.</returns>
    public TimeSpan? Blocked(IPAddress? client)
    {
        var limit = options.CurrentValue.FailedAuthenticationsPerMinute;
        if (limit == 0 || !_counters.TryGetValue(Key(client), out var counter))
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (counter)
        {
            var left = counter.Start + Window - now;
            return counter.Count >= limit && left > TimeSpan.Zero ? left : null;
        }
    }

    public void Failed(IPAddress? client)
    {
        if (options.CurrentValue.FailedAuthenticationsPerMinute == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_counters.Count > PruneAbove)
        {
            foreach (var (address, old) in _counters)
            {
                if (old.Start + Window <= now)
                {
                    _counters.TryRemove(address, out _);
                }
            }
        }

        var counter = _counters.GetOrAdd(Key(client), _ => new FailureWindow { Start = now });
        lock (counter)
        {
            if (counter.Start + Window <= now)
            {
                counter.Start = now;
                counter.Count = 0;
            }

            counter.Count++;
        }
    }

    /// <summary>The test server has no address; all its requests share one.</summary>
    private static IPAddress Key(IPAddress? client) => client ?? IPAddress.None;

    private sealed class FailureWindow
    {
        public DateTimeOffset Start { get; set; }

        public int Count { get; set; }
    }
}
