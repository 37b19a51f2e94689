using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PowerView.Api.Jobs;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Jobs;

/// <summary>The files on disk are the durable queue: what got no event, or was forgotten in a restart, is swept.</summary>
public sealed class SweepTests
{
    private const string Sample = "company1/T302_251012_031720.tsv";

    [Fact]
    public async Task AFilePlacedWhileTheServiceIsDownIsIngestedAfterStartUp()
    {
        using var folder = new TempFolder();
        await using (var before = new PowerViewApplication(folder))
        {
            using var client = await before.StartAsync();
        }

        // Dropped while nothing runs, and older than Ingestion:SettleSeconds when the service comes back.
        var path = folder.PlaceSample(Sample);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5));
        await using var after = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Ingestion:SettleSeconds"] = "10" });
        using var _ = after.CreateClient();
        var sweep = await after.Logs.WaitForSweepAsync(1);
        var run = await after.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.Equal((1, 1), (sweep.Found, sweep.Queued));
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(RunTrigger.Sweep, run.Trigger);
        Assert.False(File.Exists(path));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "parsed", "T302_251012_031720.tsv")));
    }

    [Fact]
    public async Task AFreshFileWaitsUntilItHasSettledThenTheNextSweepTakesIt()
    {
        using var folder = new TempFolder();
        var clock = new FakeTimeProvider(WholeSecondNow());
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Ingestion:SettleSeconds"] = "10",
            ["Ingestion:SweepIntervalSeconds"] = "60",
        })
        { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        var path = folder.PlaceSample(Sample);
        File.SetLastWriteTimeUtc(path, clock.GetUtcNow().UtcDateTime);
        var sweeper = app.Services.GetRequiredService<Sweeper>();

        var first = await app.Logs.WaitForSweepAsync(1);
        clock.Advance(TimeSpan.FromSeconds(60));
        var second = await app.Logs.WaitForSweepAsync(2);
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.Equal((1, 0, 1), (first.Found, first.Queued, first.NotReady));
        Assert.Equal((1, 1, 0), (second.Found, second.Queued, second.NotReady));
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(RunTrigger.Sweep, run.Trigger);
    }

    [Fact]
    public async Task AFileThatWasNotReadyIsSweptWhenItSettlesNotAWholeIntervalLater()
    {
        using var folder = new TempFolder();
        var clock = new FakeTimeProvider(WholeSecondNow());
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Ingestion:SettleSeconds"] = "10",
            ["Ingestion:SweepIntervalSeconds"] = "3600",
        })
        { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        var path = folder.PlaceSample(Sample);
        File.SetLastWriteTimeUtc(path, clock.GetUtcNow().UtcDateTime);
        var sweeper = app.Services.GetRequiredService<Sweeper>();

        var first = await app.Logs.WaitForSweepAsync(1);
        clock.Advance(TimeSpan.FromSeconds(11));
        var second = await app.Logs.WaitForSweepAsync(2);
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.Equal((0, 1), (first.Queued, first.NotReady));
        Assert.Equal(clock.GetUtcNow().AddSeconds(-1), first.NextReadyAt);
        Assert.Equal((1, 0), (second.Queued, second.NotReady));
        Assert.Equal(RunStatus.Success, run.Status);
    }

    [Fact]
    public async Task AnIncompleteLookingFileWaitsForTheGracePeriod()
    {
        using var folder = new TempFolder();
        var clock = new FakeTimeProvider(WholeSecondNow());
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Ingestion:SettleSeconds"] = "10",
            ["Ingestion:IncompleteGraceSeconds"] = "600",
            ["Ingestion:SweepIntervalSeconds"] = "60",
        })
        { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        // A real interrupted upload: it ends in the middle of a line.
        var path = folder.PlaceSample("0_camp_base-parsed/T302_251101_031719.tsv");
        File.SetLastWriteTimeUtc(path, clock.GetUtcNow().UtcDateTime);
        var sweeper = app.Services.GetRequiredService<Sweeper>();

        await app.Logs.WaitForSweepAsync(1);
        clock.Advance(TimeSpan.FromSeconds(60));
        var settled = await app.Logs.WaitForSweepAsync(2);
        clock.Advance(TimeSpan.FromSeconds(600));
        var graced = await app.Logs.WaitForSweepAsync(3);
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251101_031719.tsv");

        Assert.Equal((0, 1), (settled.Queued, settled.NotReady));
        Assert.Equal((1, 0), (graced.Queued, graced.NotReady));
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(1, run.Counters.TruncatedLines);
    }

    /// <summary>
    /// The fake clock starts on a whole second: the tests write it into a file's modification time and compare what
    /// comes back, which a file system that keeps coarser times than .NET's 100 ns would otherwise round.
    /// </summary>
    private static DateTimeOffset WholeSecondNow() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
}
