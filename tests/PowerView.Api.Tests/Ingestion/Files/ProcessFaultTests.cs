using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion.Files;

/// <summary>
/// Issue 13 with real processes: the service killed (SIGKILL) in the middle of a large file, then started again; and a
/// sweep run as an unprivileged user (root reads everything) over a data root where one file cannot be read.
/// </summary>
public sealed class ProcessFaultTests
{
    /// <summary>Large enough that the kill lands while the file is being written out (chunks of 10 rows, flushed one by one).</summary>
    private const int Rows = 200_000;

    [Fact]
    public async Task ARunKilledInTheMiddleOfALargeFileLeavesNothingHalfDoneAndTheNextProcessIngestsItWhole()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceFile(LargeFile(), name: "T302_large.tsv");
        var expected = ExpectedFile.Read(path, "site1");
        var bucket = Path.Combine(folder.StateDir, "lineprotocol", "acme");
        var ct = TestContext.Current.CancellationToken;
        var environment = new[] { ("Influx__ChunkLines", (string?)"30") };

        string? partialAtKill;
        using (var killed = Process.Start(PowerViewProcess.StartInfo(folder, ["ingest", path], environment))!)
        {
            // Polling a real condition with a bound: the run's partial output has begun.
            var clock = Stopwatch.StartNew();
            while ((partialAtKill = Partial(bucket)) is null && !killed.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(5, ct);
            }

            killed.Kill(entireProcessTree: true);
            await killed.WaitForExitAsync(ct);
        }

        Assert.NotNull(partialAtKill);
        Assert.True(File.Exists(partialAtKill));
        Assert.True(File.Exists(path));
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(path)!, "parsed")));

        var (exit, stdout, stderr) = await PowerViewProcess.RunAsync(folder, ["ingest", path], environment);

        Assert.True(exit == 0, stderr);
        using var summary = JsonDocument.Parse(stdout.Trim());
        Assert.Equal("success", summary.RootElement.GetProperty("status").GetString());
        // The killed run never reached the history: this is the file's first recorded run.
        Assert.Equal(expected.Points.Count, summary.RootElement.GetProperty("pointsWritten").GetInt64());
        Assert.False(File.Exists(partialAtKill));
        Assert.Empty(Directory.EnumerateFiles(bucket, "*.partial"));
        var output = Assert.Single(Directory.EnumerateFiles(bucket, "*.lp"));
        var lines = File.ReadLines(output).Where(l => l.Length > 0).Select(LineProtocolLine.Parse).ToList();
        Assert.Equal(expected.Points.Count, lines.Count);
        foreach (var (point, line) in expected.Points.Zip(lines))
        {
            if (line.Timestamp != point.Epoch || line.Value != point.Value || line.Field != expected.Channels[point.Channel].FieldKey)
            {
                Assert.Fail($"expected {expected.Channels[point.Channel].FieldKey}={point.Value:R} at {point.Epoch}, found {line}");
            }
        }

        Assert.False(File.Exists(path));
        Assert.Equal(File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "parsed", "T302_large.tsv")), LargeFile());
        var runs = Directory.EnumerateFiles(Path.Combine(folder.StateDir, "reports"), "*.json", SearchOption.AllDirectories).ToList();
        Assert.Single(runs);
    }

    [Fact]
    public async Task ASweepGoesOnWithTheOtherFilesWhenOneCannotBeRead()
    {
        using var folder = new TempFolder();
        var unreadable = folder.PlaceSample("dominique/T302_260105_162016.tsv", company: "a-company");
        var readable = folder.PlaceSample("dominique/T302_260105_162016.tsv", company: "b-company");
        foreach (var file in new[] { unreadable, readable })
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-5));
        }

        // The service as an unprivileged user owns its folders; one customer's file is not readable by it.
        DataFileOpeningTests.Run("chown", "-R", "nobody:nogroup", folder.DataRoot, folder.StateDir);
        DataFileOpeningTests.Run("chown", "root:root", unreadable);
        DataFileOpeningTests.Run("chmod", "000", unreadable);
        var start = PowerViewProcess.StartInfo(folder, ["sweep"], ("Ingestion__SettleSeconds", "10"), ("HOME", folder.Root));
        var setpriv = InstalledTools.Require("setpriv", "setpriv (util-linux) runs the service as nobody");
        var asNobody = new ProcessStartInfo(setpriv) { WorkingDirectory = start.WorkingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--reuid=nobody", "--regid=nogroup", "--clear-groups", start.FileName }.Concat(start.ArgumentList))
        {
            asNobody.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in start.Environment)
        {
            asNobody.Environment[key] = value;
        }

        using var process = Process.Start(asNobody)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(lines.Count == 2, $"exit {process.ExitCode}: {await stdout} {await stderr}");
        Assert.Equal(1, process.ExitCode);
        Assert.Equal(("a-company/site1/02000800/T302_260105_162016.tsv", "invalid"), (lines[0].GetProperty("file").GetString(), lines[0].GetProperty("status").GetString()));
        Assert.Equal("'a-company/site1/02000800/T302_260105_162016.tsv' cannot be read: Permission denied", lines[0].GetProperty("error").GetString());
        Assert.Equal(("b-company/site1/02000800/T302_260105_162016.tsv", "success"), (lines[1].GetProperty("file").GetString(), lines[1].GetProperty("status").GetString()));
        Assert.True(File.Exists(unreadable));
        Assert.False(File.Exists(readable));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(readable)!, "parsed", "T302_260105_162016.tsv")));
    }

    private static string? Partial(string bucket) =>
        Directory.Exists(bucket) ? Directory.EnumerateFiles(bucket, "*.lp.partial").FirstOrDefault(p => new FileInfo(p).Length > 0) : null;

    /// <summary>Three channels every 10 s from 2025-03-01 (winter and summer time: the zone rule is exercised too).</summary>
    private static string LargeFile()
    {
        var builder = new TsvBuilder();
        var at = new DateTime(2025, 3, 1, 0, 0, 0);
        for (var i = 0; i < Rows; i++)
        {
            var t = at.AddSeconds(10 * i).ToString("dd/MM/yy HH:mm:ss", CultureInfo.InvariantCulture);
            builder.Row(t, (230 + (i % 100) / 10.0).ToString(CultureInfo.InvariantCulture), (i % 7).ToString(CultureInfo.InvariantCulture), "-0.5");
        }

        return builder.Build();
    }
}
