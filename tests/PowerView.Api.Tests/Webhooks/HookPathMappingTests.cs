using System.Net;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Webhooks;

/// <summary>SFTPGo in another container sees the data under another root: Hooks:SftpGoDataRoot or Hooks:UseVirtualPath.</summary>
public sealed class HookPathMappingTests
{
    private const string Sample = "company1/T302_251012_031720.tsv";

    [Fact]
    public async Task SftpGoPathsAreReRootedUnderTheDataRoot()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Hooks:SftpGoDataRoot"] = "/srv/sftpgo/data/" });
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);

        var (code, answer) = await HookCalls.PostAsync(client, HookCalls.Upload("/srv/sftpgo/data/acme/site1/02000800/T302_251012_031720.tsv", fileSize: new FileInfo(path).Length));
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("queued", answer.GetProperty("status").GetString());
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("/srv/sftpgo/database/acme/site1/02000800/T302_251012_031720.tsv")]
    [InlineData("/srv/sftpgo/data/../data2/acme/site1/02000800/T302_251012_031720.tsv")]
    [InlineData("/srv/sftpgo/data/acme/../../../../../acme/site1/02000800/T302_251012_031720.tsv")]
    [InlineData("{root}/acme/site1/02000800/T302_251012_031720.tsv")]
    public async Task APathOutsideSftpGosDataRootIs400(string template)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Hooks:SftpGoDataRoot"] = "/srv/sftpgo/data" });
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);

        var (code, problem) = await HookCalls.PostAsync(client, HookCalls.Upload(template.Replace("{root}", folder.DataRoot, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("Hooks:SftpGoDataRoot", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, app.JobCount());
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task UsernameAndVirtualPathLocateTheFile()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Hooks:UseVirtualPath"] = "true" });
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);
        var upload = HookCalls.Upload("/somewhere/SFTPGo/only/knows.tsv", fileSize: new FileInfo(path).Length);
        upload["virtual_path"] = "/site1/02000800/T302_251012_031720.tsv";

        var (code, answer) = await HookCalls.PostAsync(client, upload);
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("acme/site1/02000800/T302_251012_031720.tsv", answer.GetProperty("path").GetString());
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("acme", "/../globex/site1/02000800/T302_251012_031720.tsv")]
    [InlineData("..", "/acme/site1/02000800/T302_251012_031720.tsv")]
    [InlineData("acme/site1", "/02000800/T302_251012_031720.tsv")]
    [InlineData("", "/site1/02000800/T302_251012_031720.tsv")]
    [InlineData("acme", "")]
    public async Task AUserCannotReachAnotherUsersFolder(string username, string virtualPath)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["Hooks:UseVirtualPath"] = "true" });
        using var client = await app.StartAsync();
        var victim = folder.PlaceSample(Sample, company: "globex");
        var upload = HookCalls.Upload(victim, username: username);
        upload["virtual_path"] = virtualPath;

        var (code, _) = await HookCalls.PostAsync(client, upload);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal(0, app.JobCount());
        Assert.True(File.Exists(victim));
    }

    [Fact]
    public async Task ConflictingMappingsStopTheServiceAtStartWithTheKeyNamed()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Hooks:UseVirtualPath"] = "true",
            ["Hooks:SftpGoDataRoot"] = "/srv/sftpgo/data",
        });

        var refusal = app.StartupRefusal();

        Assert.Contains("Hooks:SftpGoDataRoot", refusal, StringComparison.Ordinal);
    }
}
