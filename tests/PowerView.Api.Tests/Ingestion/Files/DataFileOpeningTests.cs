using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion.Files;

/// <summary>
/// Issue 13: what is not a regular file with one name in its place under the data root is never read, and a check is
/// never made on a path that the open could then leave (the file is opened without following links or blocking, and
/// the opened handle is checked). Each case leaves the files as they were and writes no point.
/// </summary>
public sealed class DataFileOpeningTests
{
    private const string Dominique = "dominique/T302_260105_162016.tsv";

    /// <summary>Bounds a call that used to block forever: the test fails instead of hanging.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AFifoNamedTsvIsRefusedWithoutBlockingAndListedAsStranded()
    {
        using var folder = new TempFolder();
        var fifo = MakeFifo(folder, "T302_fifo.tsv");
        var regular = folder.PlaceSample(Dominique);
        await using var engine = await EngineHost.StartAsync(folder);
        var ct = TestContext.Current.CancellationToken;

        var outcome = await Task.Run(() => engine.Pipeline.IngestAsync(fifo, RunTrigger.Hook, ct), ct).WaitAsync(Bound, ct);
        var waiting = engine.Services.GetRequiredService<DataRootScanner>().FindWaitingFiles().Select(f => f.RelativePath).ToList();
        var file = engine.Services.GetRequiredService<DataLayout>().TryResolveFile(fifo, out _)!;
        var probe = await Task.Run(() => FileReadiness.Check(engine.Services.GetRequiredService<DataFileAccess>(), file, DateTimeOffset.UtcNow, new IngestionOptions()), ct)
            .WaitAsync(Bound, ct);
        var stranded = Assert.Single(engine.Services.GetRequiredService<StrandedFiles>().Find());

        Assert.Equal(IngestOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("'acme/site1/02000800/T302_fifo.tsv' is a FIFO (named pipe), not a regular file", outcome.Problem);
        Assert.Equal(ProbeState.Refused, probe.State);
        Assert.Equal(["acme/site1/02000800/T302_260105_162016.tsv"], waiting);
        Assert.Equal(("acme/site1/02000800/T302_fifo.tsv", outcome.Problem), (stranded.Path, stranded.Reason));
        Assert.True(IsFifo(fifo));
        Assert.True(File.Exists(regular));
        Assert.Empty(engine.SinkLines("acme"));
    }

    [Fact]
    public async Task AHardLinkToAFileOutsideTheDataRootIsRefused()
    {
        using var folder = new TempFolder();
        var outside = Path.Combine(folder.Root, "outside", "secret.tsv");
        Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
        File.Copy(Samples.Path(Dominique), outside);
        var link = Path.Combine(folder.DataRoot, "acme", "site1", "02000800", "T302_link.tsv");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        Run("ln", outside, link);
        await using var engine = await EngineHost.StartAsync(folder);

        var outcome = await engine.Pipeline.IngestAsync(link, RunTrigger.Hook, TestContext.Current.CancellationToken);

        Assert.Equal(IngestOutcomeKind.Invalid, outcome.Kind);
        Assert.StartsWith("'acme/site1/02000800/T302_link.tsv' has 2 names (hard links)", outcome.Problem, StringComparison.Ordinal);
        Assert.Empty(engine.Services.GetRequiredService<DataRootScanner>().FindWaitingFiles());
        Assert.True(File.Exists(link));
        Assert.Equal(File.ReadAllBytes(Samples.Path(Dominique)), File.ReadAllBytes(outside));
        Assert.Empty(engine.SinkLines("acme"));
    }

    [Fact]
    public async Task AFileSwappedForASymbolicLinkAfterItsPathWasCheckedIsRefused()
    {
        using var folder = new TempFolder();
        var outside = Path.Combine(folder.Root, "outside.tsv");
        File.Copy(Samples.Path(Dominique), outside);
        var path = folder.PlaceSample(Dominique);
        await using var engine = await EngineHost.StartAsync(folder);
        // The race made deterministic: the path is checked (a regular file), then swapped before the run opens it.
        var checkedFile = engine.Services.GetRequiredService<DataLayout>().TryResolveFile(path, out _)!;
        File.Move(path, path + ".moved-away");
        File.CreateSymbolicLink(path, outside);

        var outcome = await engine.Pipeline.IngestAsync(checkedFile, RunTrigger.Hook, TestContext.Current.CancellationToken);

        Assert.Equal(IngestOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("'acme/site1/02000800/T302_260105_162016.tsv' is a symbolic link: links are never followed", outcome.Problem);
        Assert.Equal(outside, new FileInfo(path).LinkTarget);
        Assert.True(File.Exists(outside));
        Assert.Empty(engine.SinkLines("acme"));
    }

    [Fact]
    public async Task AFolderSwappedForASymbolicLinkAfterThePathWasCheckedIsRefused()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample(Dominique);
        var device = Path.GetDirectoryName(path)!;
        var outsideDevice = Path.Combine(folder.Root, "elsewhere");
        Directory.CreateDirectory(outsideDevice);
        File.Copy(Samples.Path("company1/T302_251012_031720.tsv"), Path.Combine(outsideDevice, Path.GetFileName(path)));
        await using var engine = await EngineHost.StartAsync(folder);
        var checkedFile = engine.Services.GetRequiredService<DataLayout>().TryResolveFile(path, out _)!;
        // Between the check and the open the device folder becomes a link to a folder outside, holding a file of that name.
        Directory.Move(device, device + ".moved-away");
        Directory.CreateSymbolicLink(device, outsideDevice);

        var outcome = await engine.Pipeline.IngestAsync(checkedFile, RunTrigger.Hook, TestContext.Current.CancellationToken);

        Assert.Equal(IngestOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("'acme/site1/02000800/T302_260105_162016.tsv' was opened as a file outside the data root: a folder on its path changed (a symbolic link?)", outcome.Problem);
        Assert.Equal([Path.GetFileName(path)], Directory.EnumerateFileSystemEntries(outsideDevice).Select(Path.GetFileName));
        Assert.Empty(engine.SinkLines("acme"));
    }

    [Fact]
    public async Task TheSweepTakesTheOtherFilesWhenAFifoIsAmongThem()
    {
        using var folder = new TempFolder();
        MakeFifo(folder, "T302_000_fifo.tsv");
        var path = folder.PlaceSample(Dominique);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5));
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Ingestion:SettleSeconds"] = "10" });
        // The start-up sweep: a FIFO it opened would block it (and its thread) for good; the wait is bounded (30 s).
        using var client = await app.StartAsync();
        var sweep = await app.Logs.WaitForSweepAsync(1);
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_260105_162016.tsv");
        var fifo = Path.Combine(Path.GetDirectoryName(path)!, "T302_000_fifo.tsv");
        var (_, hook) = await HookCalls.PostAsync(client, HookCalls.Upload(fifo, fileSize: 0));

        Assert.Equal((1, 1), (sweep.Found, sweep.Queued));
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal("ignored", hook.GetProperty("status").GetString());
        Assert.Equal("'acme/site1/02000800/T302_000_fifo.tsv' is a FIFO (named pipe), not a regular file", hook.GetProperty("reason").GetString());
        Assert.True(IsFifo(fifo));
        Assert.Empty(app.Runs.Of("T302_000_fifo.tsv"));
    }

    internal static string MakeFifo(TempFolder folder, string name)
    {
        var path = Path.Combine(folder.DataRoot, "acme", "site1", "02000800", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Run("mkfifo", path);
        return path;
    }

    private static bool IsFifo(string path)
    {
        var start = new ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var type = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return type == "fifo";
    }

    internal static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: {error}");
    }
}
