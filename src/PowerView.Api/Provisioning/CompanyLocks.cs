using System.Collections.Concurrent;

namespace PowerView.Api.Provisioning;

/// <summary>One provisioning (or user change) of a company at a time in this process; other companies go on.</summary>
internal sealed class CompanyLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public async Task<IDisposable> TakeAsync(string company, CancellationToken ct)
    {
        var gate = _gates.GetOrAdd(company, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new CompanyHold(gate);
    }

    private sealed class CompanyHold(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
