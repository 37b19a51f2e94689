using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// deploy/Dockerfile's runtime stage, read (no Docker engine runs here, and its base image cannot be pulled): what
/// the container runs as, where its state goes, how it is probed, and that the compose file agrees with it.
/// The build stage is run for real by <see cref="DockerfileBuildTests"/>.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly Dockerfile File = Dockerfile.Read(RepositoryFiles.Path("deploy/Dockerfile"));

    private static Dictionary<string, string> FinalEnv() =>
        File.Final.All("ENV")
            .SelectMany(e => Dockerfile.SimpleCommandWords(e.Arguments))
            .Select(w => w.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public void TheServiceRunsAsSftpGosUserWithItsStateFolderOwnedByIt()
    {
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", File.Final.BaseImage, StringComparison.Ordinal);
        Assert.Equal("1000:1000", Assert.Single(File.Final.All("USER")).Arguments);

        var env = FinalEnv();
        var stateDir = env["PowerView__StateDir"];
        var dataRoot = env["PowerView__DataRoot"];
        Assert.Equal("/var/lib/powerview", stateDir);
        Assert.Equal("/srv/sftpgo/data", dataRoot);

        // Created and chowned to 1000 before USER, in the image: an empty named volume takes that ownership.
        var userIndex = File.Final.Instructions.ToList().FindIndex(i => i.Keyword == "USER");
        var setup = File.Final.Instructions.Take(userIndex).Where(i => i.Keyword == "RUN").Select(i => i.Arguments).ToList();
        Assert.Contains(setup, r => r.Contains("mkdir -p", StringComparison.Ordinal) && r.Contains(stateDir, StringComparison.Ordinal) && r.Contains(dataRoot, StringComparison.Ordinal));
        Assert.Contains(setup, r => r.Contains("chown 1000:1000", StringComparison.Ordinal)
            && r[r.IndexOf("chown 1000:1000", StringComparison.Ordinal)..].Contains(stateDir, StringComparison.Ordinal)
            && r[r.IndexOf("chown 1000:1000", StringComparison.Ordinal)..].Contains(dataRoot, StringComparison.Ordinal));
    }

    [Fact]
    public void TheHealthCheckIsTheServicesOwnVerbAndTheEntryPointItsDll()
    {
        Assert.Equal(["dotnet", "PowerView.Api.dll"], Assert.Single(File.Final.All("ENTRYPOINT")).ExecForm!);
        var health = Assert.Single(File.Final.All("HEALTHCHECK")).Arguments;
        var cmd = health.IndexOf("CMD ", StringComparison.Ordinal);
        Assert.True(cmd > 0, health);
        Assert.Equal(["dotnet", "PowerView.Api.dll", "healthcheck"], System.Text.Json.JsonSerializer.Deserialize<string[]>(health[(cmd + 4)..])!);
        Assert.Contains("--start-period=", health, StringComparison.Ordinal);
        Assert.Equal("8080", FinalEnv()["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal("8080", Assert.Single(File.Final.All("EXPOSE")).Arguments);
    }

    [Fact]
    public void TheComposeFileMountsTheVolumesWhereTheImageKeepsItsStateAndReadsTheData()
    {
        var env = FinalEnv();
        var compose = ComposeStack.Source();
        foreach (var name in new[] { "api", "api2" })
        {
            var api = ComposeStack.Service(compose, name);
            Assert.Equal(env["PowerView__StateDir"], ComposeStack.Env(api, "PowerView__StateDir"));
            Assert.Equal(env["PowerView__DataRoot"], ComposeStack.Env(api, "PowerView__DataRoot"));
            var mounts = api["volumes"]!.AsArray().Select(v => v!.ToString().Split(':')).ToList();
            Assert.Contains(mounts, m => m[1] == env["PowerView__StateDir"] && m[0].StartsWith("powerview-state", StringComparison.Ordinal));
            // The data root is inside the volume SFTPGo mounts at the same path.
            Assert.Contains(mounts, m => m[0] == "sftpgo-data" && env["PowerView__DataRoot"].StartsWith(m[1] + "/", StringComparison.Ordinal));
            Assert.Equal(["8080"], api["expose"]!.AsArray().Select(e => e!.ToString()));
        }

        var sftpgo = ComposeStack.Service(compose, "sftpgo");
        Assert.Contains(sftpgo["volumes"]!.AsArray(), v => v!.ToString().StartsWith("sftpgo-data:/srv/sftpgo", StringComparison.Ordinal));
        Assert.True(compose["volumes"]!.AsObject().ContainsKey("powerview-state"));
        Assert.True(compose["volumes"]!.AsObject().ContainsKey("powerview-state-2"));
    }
}
