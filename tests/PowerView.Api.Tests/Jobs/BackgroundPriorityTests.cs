using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Jobs;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Jobs;

/// <summary>Jobs:IngestionNice: the ingestion runs on threads the kernel schedules after the request threads.</summary>
public sealed class BackgroundPriorityTests
{
    [Fact]
    public async Task WorkAndItsContinuationsRunAtTheConfiguredNicenessAndTheCallerDoesNot()
    {
        RequireLinux();
        using var priority = new BackgroundPriority(nice: 7, threads: 2);
        var caller = CurrentNice();

        var (first, afterYield, afterTimer) = await priority.RunAsync(async () =>
        {
            var start = CurrentNice();
            await Task.Yield();
            var yielded = CurrentNice();
            // A timer's completion comes from another thread: the continuation still comes back here.
            await Task.Delay(TimeSpan.FromMilliseconds(1), TestContext.Current.CancellationToken);
            return (start, yielded, CurrentNice());
        }, TestContext.Current.CancellationToken);
        var back = CurrentNice();

        Assert.Equal((7, 7, 7), (first, afterYield, afterTimer));
        Assert.Equal(caller, back);
        Assert.NotEqual(7, caller);
    }

    [Fact]
    public async Task NicenessZeroRunsTheWorkInlineOnTheCallersThread()
    {
        using var priority = new BackgroundPriority(nice: 0, threads: 2);
        var caller = Environment.CurrentManagedThreadId;

        var ran = await priority.RunAsync(() => Task.FromResult(Environment.CurrentManagedThreadId), TestContext.Current.CancellationToken);

        Assert.Equal(caller, ran);
    }

    [Fact]
    public async Task AHookJobIngestsAtTheConfiguredNiceness()
    {
        RequireLinux();
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Jobs:IngestionNice"] = "12" });
        using var client = await app.StartAsync();
        var path = folder.PlaceSample("company1/T302_251012_031720.tsv");
        // The run is published by the pipeline itself, on the thread that ingested: the match runs there.
        var niceness = -1;
        var recorded = app.Runs.WaitForAsync(r => { niceness = CurrentNice(); return true; });

        await HookCalls.PostAsync(client, HookCalls.Upload(path));
        var run = await recorded;

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(12, niceness);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("20")]
    public void ANicenessOutOfRangeStopsTheServiceWithTheKey(string nice)
    {
        using var folder = new TempFolder();
        using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Jobs:IngestionNice"] = nice });

        var refusal = app.StartupRefusal();

        Assert.Contains("Jobs:IngestionNice must be between 0 (normal priority) and 19", refusal, StringComparison.Ordinal);
    }

    /// <summary>Field 19 of /proc/thread-self/stat (counted after the command name, which may hold spaces).</summary>
    private static int CurrentNice()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }

    private static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("thread niceness is a Linux feature; elsewhere Jobs:IngestionNice does nothing");
        }
    }
}
