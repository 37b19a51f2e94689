using System.Text.Json;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Cli;

/// <summary>The real executable, as an operator runs it: `PowerView.Api ingest file...`.</summary>
public sealed class IngestVerbTests
{
    [Fact]
    public async Task IngestPrintsOneJsonSummaryPerFileAndExitsZeroWhenAllSucceed()
    {
        using var folder = new TempFolder();
        var a = folder.PlaceSample("dominique/T302_260105_162016.tsv", "dominique", "bavella", "02000800");
        var b = folder.PlaceSample("format_v003/T302_260122_162658_UTC.tsv", "dominique", "bavella", "02001311");

        var (exit, stdout, stderr) = await RunAsync(folder, "ingest", a, b);

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("success", first.GetProperty("status").GetString());
        Assert.Equal(228, first.GetProperty("pointsWritten").GetInt64());
        Assert.Equal("dominique/bavella/02000800/parsed/T302_260105_162016.tsv", first.GetProperty("movedTo").GetString());
        Assert.Equal(804, JsonDocument.Parse(lines[1]).RootElement.GetProperty("pointsWritten").GetInt64());
        Assert.Equal(228 + 804, Directory.EnumerateFiles(Path.Combine(folder.StateDir, "lineprotocol", "dominique")).Sum(f => File.ReadAllLines(f).Length));
        // One meta file per UTC day: a run across midnight writes two.
        var meta = Directory.EnumerateFiles(Path.Combine(folder.StateDir, "lineprotocol", "powerview_meta")).SelectMany(File.ReadAllLines).ToList();
        Assert.Single(meta, l => l.StartsWith("tsv_parser_run,status=success nb_files_total=2i,nb_files_success=2i,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IngestDatesAPlainExportInFrenchTimeFromTheEmbeddedRulesOnAHostWithoutTzdata()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample("0_camp_base-parsed/T302_251026_031500.tsv", "0_camp_base", "camp", "02001283");
        // .NET reads the host's zone files from TZDIR: an empty folder is a container image without tzdata.
        var noTzdata = Directory.CreateDirectory(Path.Combine(folder.Root, "no-tzdata")).FullName;

        var (exit, stdout, stderr) = await RunAsync(folder, ["ingest", path], ("TZDIR", noTzdata), ("TZ", "Europe/Paris"));

        Assert.True(exit == 0, stderr + stdout);
        var summary = JsonDocument.Parse(stdout.Trim()).RootElement;
        Assert.Equal(("success", "Europe/Paris"), (summary.GetProperty("status").GetString(), summary.GetProperty("timeZone").GetString()));
        Assert.Equal((894, 0), (summary.GetProperty("pointsWritten").GetInt64(), summary.GetProperty("clockNotSetRows").GetInt64()));
        // 25/10/25 03:20 summer time to 26/10/25 03:00 winter time.
        Assert.Equal(("2025-10-25T01:20:00Z", "2025-10-26T02:00:00Z"), (summary.GetProperty("timeStart").GetString(), summary.GetProperty("timeEnd").GetString()));
        var instants = Directory.EnumerateFiles(Path.Combine(folder.StateDir, "lineprotocol", "0_camp_base"))
            .SelectMany(File.ReadAllLines).Select(l => LineProtocolLine.Parse(l).Timestamp!.Value).ToList();
        Assert.Equal((894, 149), (instants.Count, instants.Distinct().Count()));
        // 02:00 twice: 00:00Z, then 01:00Z.
        Assert.Equal(6, instants.Count(t => t == new DateTimeOffset(2025, 10, 26, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()));
        Assert.Equal(6, instants.Count(t => t == new DateTimeOffset(2025, 10, 26, 1, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()));
    }

    [Fact]
    public async Task IngestExitsOneWhenAnyFileFails()
    {
        using var folder = new TempFolder();
        var good = folder.PlaceSample("dominique/T302_260105_162016.tsv");
        var empty = folder.PlaceSample("0_camp_base-error/T302_260109_120045.tsv");

        var (exit, stdout, _) = await RunAsync(folder, "ingest", good, empty, Path.Combine(folder.DataRoot, "nope.tsv"));

        Assert.Equal(1, exit);
        var statuses = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("status").GetString());
        Assert.Equal(["success", "error", "invalid"], statuses);
    }

    [Fact]
    public async Task AFileFromElsewhereIsCopiedIntoTheDataRootWithItsCompanyAndCampaignAndNeverMoved()
    {
        using var folder = new TempFolder();
        var outside = Path.Combine(folder.Root, "inbox", "T302_260105_162016.tsv");
        Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
        File.Copy(Samples.Path("dominique/T302_260105_162016.tsv"), outside);
        var original = File.ReadAllBytes(outside);

        var (refused, refusal, _) = await RunAsync(folder, "ingest", outside);
        var (exit, stdout, stderr) = await RunAsync(folder, "ingest", outside, "--company", "dominique", "--campaign", "bavella");
        var (again, againOut, _) = await RunAsync(folder, "ingest", outside, "--company", "dominique", "--campaign", "bavella", "--device", "02000800");

        Assert.Equal(1, refused);
        var problem = JsonDocument.Parse(refusal.Trim()).RootElement.GetProperty("error").GetString();
        Assert.Contains("outside the data root", problem, StringComparison.Ordinal);
        Assert.Contains("--company and --campaign", problem, StringComparison.Ordinal);
        Assert.True(exit == 0, stderr + stdout);
        var summary = JsonDocument.Parse(stdout.Trim()).RootElement;
        // The device folder is the master serial number written in the file; the copy moved, the original did not.
        Assert.Equal("dominique/bavella/02000800/parsed/T302_260105_162016.tsv", summary.GetProperty("movedTo").GetString());
        Assert.Equal(original, File.ReadAllBytes(outside));
        Assert.False(Directory.Exists(Path.Combine(folder.Root, "inbox", "parsed")));
        // A second copy under the same name is not copied over anything: it goes in as a new upload once the first has moved.
        Assert.Equal(0, again);
        Assert.Equal("dominique/bavella/02000800/parsed/T302_260105_162016.1.tsv", JsonDocument.Parse(againOut.Trim()).RootElement.GetProperty("movedTo").GetString());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(folder.DataRoot, "dominique", "bavella", "02000800"), ".*"));
        Assert.Equal(2 * 228, Directory.EnumerateFiles(Path.Combine(folder.StateDir, "lineprotocol", "dominique")).Sum(f => File.ReadAllLines(f).Length));
    }

    [Fact]
    public async Task ReprocessOfAFolderOutsideTheDataRootMovesNothing()
    {
        using var folder = new TempFolder();
        var errorFolder = Path.Combine(folder.Root, "elsewhere", "device", "error");
        Directory.CreateDirectory(errorFolder);
        var file = Path.Combine(errorFolder, "T302_260105_162016.tsv");
        File.Copy(Samples.Path("dominique/T302_260105_162016.tsv"), file);

        var (exit, stdout, _) = await RunAsync(folder, "reprocess", errorFolder);

        Assert.Equal(1, exit);
        Assert.Contains("outside the data root", JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(file));
        Assert.False(File.Exists(Path.Combine(folder.Root, "elsewhere", "device", "T302_260105_162016.tsv")));
    }

    [Fact]
    public async Task InvalidConfigurationStopsWithTheKeyToFix()
    {
        using var folder = new TempFolder();

        var (exit, _, stderr) = await RunAsync(folder, ["ingest", "x.tsv"], ("Influx__Url", "http://localhost:8086"));

        Assert.Equal(2, exit);
        Assert.Contains("Influx:Token is required when Influx:Url is set", stderr, StringComparison.Ordinal);
        Assert.Contains("Influx:Org is required", stderr, StringComparison.Ordinal);
        // One line that names the keys, not a stack trace.
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReprocessPutsRejectedFilesBackAndIngestsThemAgain()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample("dominique/T302_260105_162016.tsv");
        var errorFolder = Path.Combine(Path.GetDirectoryName(path)!, "error");
        Directory.CreateDirectory(errorFolder);
        File.Move(path, Path.Combine(errorFolder, "T302_260105_162016.tsv"));

        var (exit, stdout, stderr) = await RunAsync(folder, "reprocess", errorFolder);

        Assert.True(exit == 0, stderr + stdout);
        Assert.Equal("success", JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("status").GetString());
        Assert.Empty(Directory.EnumerateFiles(errorFolder));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "parsed", "T302_260105_162016.tsv")));
    }

    [Fact]
    public async Task SweepIngestsEveryReadyFileOfTheDataRoot()
    {
        using var folder = new TempFolder();
        var a = folder.PlaceSample("dominique/T302_260105_162016.tsv", "dominique", "bavella", "02000800");
        var b = folder.PlaceSample("company1/T302_251012_031720.tsv", "company1", "campaign1", "02001084");
        // Settled (older than the default 10 s) whenever the checkout was made; the cut file is fresh (600 s grace).
        File.SetLastWriteTimeUtc(a, DateTime.UtcNow.AddMinutes(-5));
        File.SetLastWriteTimeUtc(b, DateTime.UtcNow.AddMinutes(-5));
        var fresh = folder.PlaceSample("0_camp_base-parsed/T302_251101_031719.tsv", "company1", "campaign1", "02001084");
        File.SetLastWriteTimeUtc(fresh, DateTime.UtcNow);

        var (exit, stdout, stderr) = await RunAsync(folder, "sweep");

        Assert.True(exit == 0, stderr + stdout);
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.False(File.Exists(a));
        Assert.False(File.Exists(b));
        Assert.True(File.Exists(fresh));
    }

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(TempFolder folder, params string[] args) => PowerViewProcess.RunAsync(folder, args);

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(TempFolder folder, string[] args, params (string Key, string? Value)[] environment) =>
        PowerViewProcess.RunAsync(folder, args, environment);
}
