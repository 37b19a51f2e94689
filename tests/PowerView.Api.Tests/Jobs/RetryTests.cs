using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Jobs;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Jobs;

/// <summary>
/// A sink that cannot be written (here a real failure: a plain file stands where the company's line-protocol
/// folder must be created) defers the run; the file stays, Hangfire tries again with back-off.
/// </summary>
public sealed class RetryTests
{
    private const string Sample = "company1/T302_251012_031720.tsv";

    [Fact]
    public async Task ADeferredRunKeepsTheFileAndTheClaimAndSucceedsOnRetry()
    {
        using var folder = new TempFolder();
        var states = new JobStates();
        // A back-off far longer than the test: what happens while the retry waits is checked before it can fire
        // (with a 1 s delay a loaded machine let the retry run, and fail, before the sink was unblocked).
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Jobs:RetryDelaysSeconds:0"] = "3600", ["Ingestion:SettleSeconds"] = "10" })
        {
            TestServices = s => s.AddSingleton<IApplyStateFilter>(states),
        };
        using var client = await app.StartAsync();
        var blocker = BlockSink(folder, "acme");
        var path = Settled(folder.PlaceSample(Sample));

        var (_, queued) = await HookCalls.PostAsync(client, HookCalls.Upload(path));
        var jobId = queued.GetProperty("jobId").GetString()!;
        var deferred = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");
        await states.WaitForAsync(ScheduledState.StateName, jobId);
        var scheduled = (ScheduledState)states.Applied(jobId, ScheduledState.StateName);
        var (_, whileWaiting) = await HookCalls.PostAsync(client, HookCalls.Upload(path));
        var sweepWhileWaiting = app.Services.GetRequiredService<Sweeper>().Sweep(TestContext.Current.CancellationToken);
        Assert.True(File.Exists(path));
        File.Delete(blocker);
        // The retry is due: enqueued as Hangfire's scheduler does when the delay is over.
        app.Services.GetRequiredService<IBackgroundJobClient>().Requeue(jobId);
        var retried = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv" && r.Attempt == 2);

        // Hangfire reads the clock twice (due time, then scheduling time): a hair under the configured delay.
        Assert.InRange((scheduled.EnqueueAt - scheduled.ScheduledAt).TotalSeconds, 3540, 3600);
        Assert.Equal(RunStatus.Deferred, deferred.Status);
        Assert.Equal("duplicate", whileWaiting.GetProperty("status").GetString());
        Assert.Equal(jobId, whileWaiting.GetProperty("jobId").GetString());
        Assert.Equal((0, 1), (sweepWhileWaiting.Queued, sweepWhileWaiting.Duplicate));
        Assert.Equal(RunStatus.Success, retried.Status);
        Assert.Equal(RunTrigger.Retry, retried.Trigger);
        Assert.False(File.Exists(path));
        Assert.Equal(1, app.JobCount());
    }

    [Fact]
    public async Task WhenTheTriesAreSpentTheJobFailsAndTheFileIsQueuedAgain()
    {
        using var folder = new TempFolder();
        var states = new JobStates();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Jobs:RetryDelaysSeconds:0"] = "1", ["Ingestion:SettleSeconds"] = "10" })
        {
            TestServices = s => s.AddSingleton<IApplyStateFilter>(states),
        };
        using var client = await app.StartAsync();
        BlockSink(folder, "acme");
        var path = Settled(folder.PlaceSample(Sample));

        var (_, queued) = await HookCalls.PostAsync(client, HookCalls.Upload(path));
        var jobId = queued.GetProperty("jobId").GetString();
        await states.WaitForAsync(FailedState.StateName, jobId);
        var deferredRuns = app.Runs.Of("T302_251012_031720.tsv").Count(r => r.Status == RunStatus.Deferred);
        var stayed = File.Exists(path);
        var sweep = app.Services.GetRequiredService<Sweeper>().Sweep(TestContext.Current.CancellationToken);

        Assert.Equal(2, deferredRuns);
        Assert.True(stayed);
        // The failed job no longer holds the file: the sweep starts a new series of tries.
        Assert.Equal((1, 0), (sweep.Queued, sweep.Duplicate));
    }

    /// <summary>Older than Ingestion:SettleSeconds, so the sweeps below may take it: a copy keeps the sample's time, which is the checkout's.</summary>
    private static string Settled(string path)
    {
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5));
        return path;
    }

    private static string BlockSink(TempFolder folder, string bucket)
    {
        var blocker = Path.Combine(folder.StateDir, "lineprotocol", bucket);
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllText(blocker, "not a folder");
        return blocker;
    }
}
