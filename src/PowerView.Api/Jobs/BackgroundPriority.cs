using System.Runtime.InteropServices;
using Hangfire.Processing;

namespace PowerView.Api.Jobs;

/// <summary>
/// Runs the ingestion work at a lower CPU priority than the request threads, so that the hook answers
/// quickly even while the workers ingest a backlog on the same cores. Linux niceness is per thread
/// (<c>setpriority(PRIO_PROCESS, tid)</c>) and raising it needs no privilege, in a container too. The work
/// and its continuations run on a few dedicated threads (Hangfire's <see cref="BackgroundTaskScheduler"/>),
/// since thread-pool threads also serve requests. When the request threads are idle the low priority
/// costs nothing: the scheduler gives the ingestion threads every free cycle.
/// </summary>
internal sealed class BackgroundPriority : IDisposable
{
    private const int PrioProcess = 0;

    private readonly BackgroundTaskScheduler? _scheduler;

    /// <param name="nice">Niceness of the ingestion threads; 0 = no threads of our own, the work runs on the thread pool.</param>
    /// <param name="threads">How many: the work is CPU-bound between awaits (parsing, formatting), so one per core.</param>
    public BackgroundPriority(int nice, int threads)
    {
        if (nice > 0 && OperatingSystem.IsLinux())
        {
            _scheduler = new BackgroundTaskScheduler(start => Enumerable.Range(0, threads).Select(i => new Thread(() =>
            {
                // A failure leaves the thread at normal priority: slower answers under load, nothing wrong.
                _ = setpriority(PrioProcess, gettid(), nice);
                start();
            })
            {
                IsBackground = true,
                Name = $"ingest-{i}",
            }).ToList(), exceptionHandler: null);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the low-priority threads, or inline when off. Its awaits come back to those
    /// threads too (an await resumes on the current task scheduler); the caller's continuation does not.
    /// </summary>
    public Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken) =>
        _scheduler is null
            ? work()
            : Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();

    public void Dispose() => _scheduler?.Dispose();

    // DllImport rather than LibraryImport: two blittable calls, and no unsafe code for the whole project.
    [DllImport("libc")]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();
}
