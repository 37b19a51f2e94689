using System.Net;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Jobs;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Webhooks;

/// <summary>SFTPGo events through HTTP, a real Hangfire server running the jobs, real device files, the file sink.</summary>
public sealed class HookIngestionTests
{
    private const string Sample = "company1/T302_251012_031720.tsv";
    private const string Relative = "acme/site1/02000800/T302_251012_031720.tsv";

    [Fact]
    public async Task UploadEventIngestsTheFileIntoParsedAndTheSink()
    {
        using var folder = new TempFolder();
        var states = new JobStates();
        await using var app = new PowerViewApplication(folder) { TestServices = s => s.AddSingleton<IApplyStateFilter>(states) };
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);

        var (code, answer) = await HookCalls.PostAsync(client, HookCalls.Upload(path));
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");
        await states.WaitForAsync(SucceededState.StateName, answer.GetProperty("jobId").GetString());

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("queued", answer.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("jobId").GetString()));
        Assert.Equal(Relative, answer.GetProperty("path").GetString());
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(RunTrigger.Hook, run.Trigger);
        Assert.Equal(("acme", "site1", "02000800"), (run.Company, run.Campaign, run.DeviceMasterSn));
        Assert.False(File.Exists(path));
        Assert.True(File.Exists(Path.Combine(folder.DataRoot, "acme/site1/02000800/parsed/T302_251012_031720.tsv")));
        var lines = Directory.GetFiles(Path.Combine(folder.StateDir, "lineprotocol", "acme"), "*.lp").SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(run.Counters.PointsWritten, lines.Count);
        Assert.True(run.Counters.PointsWritten > 4000);
        Assert.All(lines, l => Assert.StartsWith("electrical,campaign=site1,", l, StringComparison.Ordinal));
        // The job is a batch of one: its tsv_parser_run summary is in the meta bucket next to the file's point.
        var meta = Directory.GetFiles(Path.Combine(folder.StateDir, "lineprotocol", "powerview_meta")).SelectMany(File.ReadAllLines).ToList();
        Assert.Contains(meta, l => l.StartsWith("tsv_parser_file,", StringComparison.Ordinal) && l.Contains("file_name=T302_251012_031720.tsv", StringComparison.Ordinal));
        Assert.Contains(meta, l => l.StartsWith("tsv_parser_run,status=success nb_files_total=1i,nb_files_success=1i", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BasicCredentialsWithTheSecretAsPasswordAreAccepted()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);

        var (code, answer) = await HookCalls.PostAsync(client, HookCalls.Upload(path), HookCalls.Basic("sftpgo", PowerViewApplication.HookSecret));
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("queued", answer.GetProperty("status").GetString());
        Assert.Equal(RunStatus.Success, run.Status);
    }

    [Fact]
    public async Task RenameOfAFilepartIngestsTheFinishedFile()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var partial = folder.PlaceSample(Sample, name: "T302_251012_031720.tsv.filepart");

        // WinSCP: upload of the temporary name (ignored), then the rename (SFTPGo has already moved the file).
        var (_, upload) = await HookCalls.PostAsync(client, HookCalls.Upload(partial));
        var target = partial[..^".filepart".Length];
        File.Move(partial, target);
        var (code, rename) = await HookCalls.PostAsync(client, HookCalls.Rename(partial, target));
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.Equal("ignored", upload.GetProperty("status").GetString());
        Assert.Contains("temporary", upload.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("queued", rename.GetProperty("status").GetString());
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(target)!, "parsed", "T302_251012_031720.tsv")));
    }

    [Fact]
    public async Task MkdirOfCompanyAndCampaignRecordsSkippedProvisioning()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        Directory.CreateDirectory(Path.Combine(folder.DataRoot, "acme", "site1", "02000800"));

        var company = await HookCalls.PostAsync(client, HookCalls.Mkdir(Path.Combine(folder.DataRoot, "acme")));
        var campaign = await HookCalls.PostAsync(client, HookCalls.Mkdir(Path.Combine(folder.DataRoot, "acme", "site1")));
        var device = await HookCalls.PostAsync(client, HookCalls.Mkdir(Path.Combine(folder.DataRoot, "acme", "site1", "02000800")));
        var companyRun = await app.WaitForRunAsync(r => r.Kind == RunKind.Provision && r.Step == "company");
        var campaignRun = await app.WaitForRunAsync(r => r.Kind == RunKind.Provision && r.Step == "campaign");

        Assert.Equal("queued", company.Body.GetProperty("status").GetString());
        Assert.Equal("queued", campaign.Body.GetProperty("status").GetString());
        Assert.Equal("ignored", device.Body.GetProperty("status").GetString());
        Assert.Equal((RunStatus.Skipped, "acme", (string?)null), (companyRun.Status, companyRun.Company, companyRun.Campaign));
        Assert.Equal((RunStatus.Skipped, "acme", "site1"), (campaignRun.Status, campaignRun.Company, campaignRun.Campaign));
        Assert.Contains("Grafana:Url", campaignRun.Message, StringComparison.Ordinal);
        Assert.Equal(2, app.JobCount());
    }

    [Theory]
    [InlineData("acme/site1/")]
    [InlineData("acme//site1")]
    [InlineData("acme/./site1//")]
    public async Task AMkdirPathWithExtraSeparatorsProvisionsTheCampaignItNames(string relative)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        Directory.CreateDirectory(Path.Combine(folder.DataRoot, "acme", "site1"));

        var answer = await HookCalls.PostAsync(client, HookCalls.Mkdir(folder.DataRoot + "/" + relative));
        var run = await app.WaitForRunAsync(r => r.Kind == RunKind.Provision);

        Assert.Equal("queued", answer.Body.GetProperty("status").GetString());
        Assert.Equal(("campaign", "acme", "site1"), (run.Step, run.Company, run.Campaign));
    }

    [Fact]
    public async Task FiftyConcurrentEventsAndSweepsForOneFileGiveOneIngestion()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Ingestion:SettleSeconds"] = "0" });
        using var client = await app.StartAsync();
        var sweeper = app.Services.GetRequiredService<Sweeper>();
        var path = folder.PlaceSample(Sample);

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hooks = Enumerable.Range(0, 50).Select(async _ =>
        {
            await start.Task;
            return await HookCalls.PostAsync(client, HookCalls.Upload(path));
        }).ToList();
        var sweeps = Enumerable.Range(0, 5).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return sweeper.Sweep(TestContext.Current.CancellationToken);
        })).ToList();
        start.SetResult();
        var answers = await Task.WhenAll(hooks);
        var summaries = await Task.WhenAll(sweeps);
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Code));
        var statuses = answers.Select(a => a.Body.GetProperty("status").GetString()).ToList();
        Assert.Equal(1, statuses.Count(s => s == "queued") + summaries.Sum(s => s.Queued));
        // The others found the job queued or running, or (once it finished) the file already gone.
        Assert.All(statuses, s => Assert.Contains(s, new[] { "queued", "duplicate", "ignored" }));
        Assert.Equal(1, app.JobCount());
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Single(app.Runs.Of("T302_251012_031720.tsv"));
        Assert.Single(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(path)!, "parsed")));
        Assert.Single(Directory.GetFiles(Path.Combine(folder.StateDir, "lineprotocol", "acme")));
    }

    [Fact]
    public async Task AnUploadOfTheSameNameAfterParsingIsIngestedAgainWithoutOverwriting()
    {
        using var folder = new TempFolder();
        var states = new JobStates();
        await using var app = new PowerViewApplication(folder) { TestServices = s => s.AddSingleton<IApplyStateFilter>(states) };
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);
        var (_, first) = await HookCalls.PostAsync(client, HookCalls.Upload(path));
        await states.WaitForAsync(SucceededState.StateName, first.GetProperty("jobId").GetString());

        File.Copy(Samples.Path(Sample), path);
        var (_, again) = await HookCalls.PostAsync(client, HookCalls.Upload(path));
        var second = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv" && r.Attempt == 2);

        Assert.Equal("queued", again.GetProperty("status").GetString());
        Assert.Equal(RunStatus.Success, second.Status);
        Assert.Equal("acme/site1/02000800/parsed/T302_251012_031720.1.tsv", second.MovedTo);
    }

    [Fact]
    public async Task HostsInOneProcessKeepTheirOwnJobsStorageAndServices()
    {
        using var folderA = new TempFolder();
        using var folderB = new TempFolder();
        await using var appA = new PowerViewApplication(folderA);
        await using var appB = new PowerViewApplication(folderB);
        using var clientA = await appA.StartAsync();
        using var clientB = await appB.StartAsync();
        var pathA = folderA.PlaceSample(Sample);
        var pathB = folderB.PlaceSample("dominique/T302_260105_162016.tsv", name: "T302_251012_031720.tsv");

        // Same relative path in both: a shared claim store would answer "duplicate", a shared activator would
        // run one host's job with the other host's pipeline.
        var answers = await Task.WhenAll(
            HookCalls.PostAsync(clientA, HookCalls.Upload(pathA)),
            HookCalls.PostAsync(clientB, HookCalls.Upload(pathB)));
        var runA = await appA.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");
        var runB = await appB.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.All(answers, a => Assert.Equal("queued", a.Body.GetProperty("status").GetString()));
        Assert.Equal((RunStatus.Success, RunStatus.Success), (runA.Status, runB.Status));
        Assert.NotEqual(runA.Counters.PointsWritten, runB.Counters.PointsWritten);
        Assert.False(File.Exists(pathA));
        Assert.False(File.Exists(pathB));
        Assert.Single(appA.Runs.Of("T302_251012_031720.tsv"));
        Assert.Single(appB.Runs.Of("T302_251012_031720.tsv"));
    }
}
