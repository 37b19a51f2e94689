using System.Diagnostics;
using System.Reflection.PortableExecutable;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// deploy/Dockerfile's build stage, reproduced without Docker (no engine runs here): the repository's files are
/// sent as the build context the way Docker sends them (filtered by the top-level .dockerignore), then the
/// stage's own COPY and RUN lines run, read from the Dockerfile, in a folder standing for the container, with an
/// empty NuGet folder as in a fresh container (the packages come from the NuGet feed). One publish per case,
/// about two minutes each on this machine (ReadyToRun compiles every method of the service).
/// </summary>
public sealed class DockerfileBuildTests
{
    private static string DockerfilePath => RepositoryFiles.Path("deploy/Dockerfile");

    [Fact]
    public async Task TheBuildStageSucceedsOnACleanClone()
    {
        using var work = new TempFolder();
        var checkout = Path.Combine(work.Root, "checkout");
        CopyRepositoryFiles(checkout);

        var published = await BuildAsync(work.Root, checkout);

        AssertPublished(published);
    }

    [Fact]
    public async Task TheBuildStageSucceedsOnACheckoutWhereTheQuickStartRan()
    {
        using var work = new TempFolder();
        var checkout = Path.Combine(work.Root, "checkout");
        CopyRepositoryFiles(checkout);

        // What `dotnet build` / `dotnet run` leave in a checkout: the project's obj/ (its project.assets.json has
        // no linux-x64 target: copied over the image's own, publish --no-restore fails with NETSDK1047) and bin/,
        // taken from this very checkout, which built the service for these tests.
        var project = RepositoryFiles.Path("src/PowerView.Api");
        Assert.True(File.Exists(Path.Combine(project, "obj", "project.assets.json")), "the service's obj/ of the test build is missing");
        CopyTree(Path.Combine(project, "obj"), Path.Combine(checkout, "src/PowerView.Api/obj"));
        CopyTree(Path.Combine(project, "bin"), Path.Combine(checkout, "src/PowerView.Api/bin"));
        // The quick start's var/ (data root and state), a filled-in deploy/.env, test results, a .git.
        Write(checkout, "var/data/company1/campaign1/02001171/parsed/T302_251012_031720.tsv", File.ReadAllText(Samples.Path("company1/T302_251012_031720.tsv")));
        Write(checkout, "var/state/runs.db", "SQLite format 3\0");
        Write(checkout, "var/state/lineprotocol/company1/20251012.lp", "electrical,company=company1 v=1 1760239040\n");
        Write(checkout, "deploy/.env", "POWERVIEW_ADMIN_KEY=0123456789abcdef0123456789abcdef\n");
        Write(checkout, "tests/PowerView.Api.Tests/TestResults/run.trx", "<TestRun />");
        Write(checkout, ".git/HEAD", "ref: refs/heads/main\n");

        var published = await BuildAsync(work.Root, checkout, sent =>
        {
            Assert.DoesNotContain(sent, p => p.Split('/').Any(segment => segment is "obj" or "bin"));
            Assert.DoesNotContain(sent, p => p.StartsWith("var/", StringComparison.Ordinal));
            Assert.DoesNotContain(sent, p => p.StartsWith(".git/", StringComparison.Ordinal));
            Assert.DoesNotContain("deploy/.env", sent);
            Assert.DoesNotContain(sent, p => p.Contains("TestResults", StringComparison.Ordinal));
        });

        AssertPublished(published);
    }

    /// <summary>Sends the context, runs the stage the final stage copies from, returns where its output is.</summary>
    private static async Task<string> BuildAsync(string work, string checkout, Action<IReadOnlyList<string>>? checkContext = null)
    {
        var clock = Stopwatch.StartNew();
        var dockerfile = Dockerfile.Read(DockerfilePath);
        var sent = DockerBuildEmulator.SendContext(checkout, Path.Combine(work, "context"), DockerIgnore.Read(Path.Combine(checkout, ".dockerignore")));
        Assert.Contains("src/PowerView.Api/PowerView.Api.csproj", sent);
        Assert.Contains("appsettings.json", sent);
        checkContext?.Invoke(sent);

        // The final stage's `COPY --from=<stage> <folder> ...` names the stage to build and the folder it takes.
        var copy = dockerfile.Final.All("COPY").Single(c => c.Arguments.StartsWith("--from=", StringComparison.Ordinal));
        var words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stage = dockerfile.Stage(words[0]["--from=".Length..]);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", stage.BaseImage, StringComparison.Ordinal);

        var log = TestContext.Current.TestOutputHelper;
        var emulator = new DockerBuildEmulator(Path.Combine(work, "context"), Path.Combine(work, "container"), line => log?.WriteLine(line));
        await emulator.RunAsync(stage, TestContext.Current.CancellationToken);
        log?.WriteLine($"build stage: {clock.Elapsed.TotalSeconds:F0} s");
        return emulator.HostPath(words[1]);
    }

    private static void AssertPublished(string folder)
    {
        Assert.True(File.Exists(Path.Combine(folder, "PowerView.Api.dll")), $"no PowerView.Api.dll in {folder}");
        Assert.True(File.Exists(Path.Combine(folder, "appsettings.json")), "no appsettings.json beside the service");
        Assert.False(File.Exists(Path.Combine(folder, "appsettings.Development.json")), "the development secrets must not be published");
        Assert.True(File.Exists(Path.Combine(folder, "PowerView.Api.runtimeconfig.json")), "not a framework-dependent build");

        // ReadyToRun: the CLI header points at a native header whose signature is "RTR\0" (READYTORUN_SIGNATURE 0x00525452).
        using var pe = new PEReader(File.OpenRead(Path.Combine(folder, "PowerView.Api.dll")));
        var native = pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory;
        Assert.True(native.Size > 0, "PowerView.Api.dll has no ReadyToRun code (no managed native header)");
        var signature = pe.GetSectionData(native.RelativeVirtualAddress).GetContent(0, 4);
        Assert.Equal("RTR\0"u8.ToArray(), signature.ToArray());
    }

    /// <summary>A clean clone: the files git knows (committed or about to be), nothing ignored by .gitignore.</summary>
    private static void CopyRepositoryFiles(string target)
    {
        var start = new ProcessStartInfo("git", ["-C", RepositoryFiles.Root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        {
            RedirectStandardOutput = true,
        };
        using var git = Process.Start(start)!;
        // Distinct: during a merge an unmerged file is listed once per side.
        var files = git.StandardOutput.ReadToEnd().Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
        Assert.Contains("deploy/Dockerfile", files);

        foreach (var file in files)
        {
            var source = RepositoryFiles.Path(file);
            if (File.Exists(source))
            {
                var to = Path.Combine(target, file);
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(source, to);
            }
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
