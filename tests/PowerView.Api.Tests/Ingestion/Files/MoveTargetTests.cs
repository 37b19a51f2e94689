using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Ingestion;
using PowerView.Api.Jobs;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion.Files;

/// <summary>
/// Issue 13: a file that cannot be moved after its run (parsed/ is a link, a file of that name, or not writable) used
/// to be ingested again by every sweep, forever. Now its run says so, it is marked stuck, nothing takes it again, and
/// once the cause is fixed the move alone is done. Nothing is ever moved through a link or over a file.
/// </summary>
public sealed class MoveTargetTests
{
    private const string Dominique = "dominique/T302_260105_162016.tsv";

    public static TheoryData<string, string> Obstacles() => new()
    {
        { "link", "'acme/site1/02000800/parsed' is a symbolic link: files are never moved through one" },
        { "file", "'acme/site1/02000800/parsed' is a regular file, not a folder: a file cannot be moved into it" },
        { "not writable", "'acme/site1/02000800/T302_260105_162016.tsv' could not be moved to parsed/: Operation not permitted" },
    };

    [Theory]
    [MemberData(nameof(Obstacles))]
    public async Task AFileThatCannotBeMovedIsNeverIngestedAgainAndIsMovedOnceItCanBe(string obstacle, string reason)
    {
        using var folder = new TempFolder();
        using var mounts = new Mounts();
        var path = folder.PlaceSample(Dominique);
        var device = Path.GetDirectoryName(path)!;
        var parsed = Path.Combine(device, "parsed");
        var outside = Path.Combine(folder.Root, "outside");
        Directory.CreateDirectory(outside);
        switch (obstacle)
        {
            case "link":
                Directory.CreateSymbolicLink(parsed, outside);
                break;
            case "file":
                File.WriteAllText(parsed, "a customer's file named like the folder\n");
                break;
            default:
                Directory.CreateDirectory(parsed);
                mounts.NotWritable(parsed);
                break;
        }

        await using var engine = await EngineHost.StartAsync(folder);
        var ct = TestContext.Current.CancellationToken;
        var stuck = engine.Services.GetRequiredService<StuckFiles>();

        var run = await engine.IngestAsync(path);
        var points = engine.SinkLines("acme").Count;
        var marked = Assert.Single(stuck.All());
        var again = await engine.Pipeline.IngestAsync(path, RunTrigger.Hook, ct);
        var swept = await engine.Pipeline.IngestAsync(path, RunTrigger.Sweep, ct);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Null(run.MovedTo);
        Assert.Equal($"not moved to parsed/: {reason}; it is not ingested again until it can be moved (see /api/files/stuck)", run.Message);
        Assert.Equal(228, run.Counters.PointsWritten);
        Assert.Equal(228, points);
        Assert.Equal(("acme/site1/02000800/T302_260105_162016.tsv", "parsed", run.Id, reason), (marked.Path, marked.Folder, marked.RunId, marked.Reason));
        Assert.Equal((IngestOutcomeKind.Stuck, IngestOutcomeKind.Stuck), (again.Kind, swept.Kind));
        Assert.Equal(228, engine.SinkLines("acme").Count);
        Assert.Equal(1, await engine.Store.CountFileRunsAsync("acme", "site1", "02000800", "T302_260105_162016.tsv", ct));
        Assert.True(File.Exists(path));
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        if (obstacle == "file")
        {
            Assert.Equal("a customer's file named like the folder\n", File.ReadAllText(parsed));
        }

        // The operator fixes the cause (never by deleting the customer's file): the next try moves it, without reading it.
        switch (obstacle)
        {
            case "link":
                File.Delete(parsed);
                break;
            case "file":
                File.Move(parsed, parsed + ".txt");
                break;
            default:
                mounts.Writable(parsed);
                break;
        }

        var settled = await engine.Pipeline.IngestAsync(path, RunTrigger.Sweep, ct);

        Assert.Equal(IngestOutcomeKind.Settled, settled.Kind);
        Assert.False(File.Exists(path));
        Assert.Equal(File.ReadAllBytes(Samples.Path(Dominique)), File.ReadAllBytes(Path.Combine(parsed, "T302_260105_162016.tsv")));
        Assert.Empty(stuck.All());
        Assert.Equal(228, engine.SinkLines("acme").Count);
        Assert.Equal(1, await engine.Store.CountFileRunsAsync("acme", "site1", "02000800", "T302_260105_162016.tsv", ct));
    }

    [Fact]
    public async Task ANewUploadUnderAStuckNameIsAnotherFileAndIsIngested()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(Dominique);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "parsed"), "in the way\n");
        await using var engine = await EngineHost.StartAsync(folder);
        var first = await engine.IngestAsync(path);
        // SFTPGo's atomic upload: written under a temporary name, renamed over the old one (a new inode).
        var upload = path + ".sftpgo-upload";
        File.Copy(Samples.Path("company1/T302_251012_031720.tsv"), upload);
        File.Move(upload, path, overwrite: true);

        var second = await engine.IngestAsync(path);

        Assert.Equal((RunStatus.Success, RunStatus.Success), (first.Status, second.Status));
        Assert.Equal((1, 2), (first.Attempt, second.Attempt));
        Assert.Equal(second.Id, Assert.Single(engine.Services.GetRequiredService<StuckFiles>().All()).RunId);
    }

    [Fact]
    public async Task TheSweepAndTheHookLeaveAStuckFileAndTheSweepMovesItOnceItCan()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(Dominique);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5));
        var parsed = Path.Combine(Path.GetDirectoryName(path)!, "parsed");
        File.WriteAllText(parsed, "in the way\n");
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Ingestion:SettleSeconds"] = "10" });
        using var client = await app.StartAsync();
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_260105_162016.tsv");
        await app.Logs.WaitForAsync("Could not move {File}");
        var sweeper = app.Services.GetRequiredService<Sweeper>();
        var ct = TestContext.Current.CancellationToken;

        var whileStuck = sweeper.Sweep(ct);
        var (_, hook) = await HookCalls.PostAsync(client, HookCalls.Upload(path));
        using var admin = app.CreateClient(PowerViewApplication.AdminKey);
        var listed = await admin.GetJsonAsync("/api/files/stuck");
        File.Move(parsed, parsed + ".txt");
        var fixedSweep = sweeper.Sweep(ct);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal((1, 0, 1), (whileStuck.Found, whileStuck.Queued, whileStuck.Stuck));
        Assert.Equal("ignored", hook.GetProperty("status").GetString());
        Assert.StartsWith($"its run {run.Id} could not move it to parsed/", hook.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var entry = Assert.Single(listed.EnumerateArray());
        Assert.Equal(("acme/site1/02000800/T302_260105_162016.tsv", run.Id), (entry.GetProperty("path").GetString(), entry.GetProperty("runId").GetString()));
        Assert.Equal((0, 0), (fixedSweep.Queued, fixedSweep.Stuck));
        Assert.Equal("in the way\n", File.ReadAllText(parsed + ".txt"));
        Assert.False(File.Exists(path));
        Assert.Equal(File.ReadAllBytes(Samples.Path(Dominique)), File.ReadAllBytes(Path.Combine(parsed, "T302_260105_162016.tsv")));
        Assert.Single(app.Runs.Of("T302_260105_162016.tsv"));
    }
}
