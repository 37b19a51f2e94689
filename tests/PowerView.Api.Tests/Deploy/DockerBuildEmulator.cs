using System.Diagnostics;
using System.Text;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// Runs a Dockerfile stage without Docker, for a stage that only copies files and runs programs the machine has
/// (the SDK stage: <c>WORKDIR</c>, <c>COPY</c>, <c>ENV</c>, <c>RUN</c> of one program). The container's file
/// system is a folder: every absolute path of the stage (<c>WORKDIR /src</c>, <c>-o /app</c>) is that folder's
/// path, and the stage's own NuGet folder starts empty as in a fresh container. Anything it cannot reproduce
/// faithfully (other instructions, COPY flags or wildcards, shell syntax) is refused with the reason.
/// </summary>
internal sealed class DockerBuildEmulator(string contextDir, string fileSystemRoot, Action<string> log)
{
    private readonly Dictionary<string, string> _env = [];
    private string _workdir = "/";

    /// <summary>Where a path of the container is in this machine's file system.</summary>
    public string HostPath(string containerPath) =>
        Path.Combine(fileSystemRoot, Resolve(containerPath).TrimStart('/'));

    /// <summary>
    /// Copies the files of <paramref name="checkout"/> that <paramref name="ignore"/> keeps into <paramref name="context"/>,
    /// as the client sends the build context; returns their paths relative to the context.
    /// </summary>
    public static IReadOnlyList<string> SendContext(string checkout, string context, DockerIgnore ignore)
    {
        var sent = new List<string>();
        Directory.CreateDirectory(context);
        foreach (var file in Directory.EnumerateFiles(checkout, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(checkout, file).Replace('\\', '/');
            if (ignore.Excludes(relative))
            {
                continue;
            }

            var target = Path.Combine(context, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            sent.Add(relative);
        }

        sent.Sort(StringComparer.Ordinal);
        return sent;
    }

    public async Task RunAsync(DockerStage stage, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(fileSystemRoot);
        // A fresh container: no NuGet packages yet (the SDK image's HOME is /root).
        _env["NUGET_PACKAGES"] = HostPath("/root/.nuget/packages");
        foreach (var instruction in stage.Instructions)
        {
            switch (instruction.Keyword)
            {
                case "WORKDIR":
                    _workdir = Resolve(instruction.Arguments);
                    Directory.CreateDirectory(HostPath(_workdir));
                    break;
                case "ENV":
                    SetEnv(instruction);
                    break;
                case "COPY":
                    Copy(instruction);
                    break;
                case "RUN":
                    await RunAsync(instruction, cancellationToken);
                    break;
                case "LABEL":
                    break;
                default:
                    throw new NotSupportedException($"{instruction}: not reproduced without Docker");
            }
        }
    }

    private string Resolve(string containerPath)
    {
        var path = containerPath.StartsWith('/') ? containerPath : _workdir.TrimEnd('/') + "/" + containerPath;
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }

    private void SetEnv(DockerInstruction instruction)
    {
        var words = Dockerfile.SimpleCommandWords(instruction.Arguments);
        if (words.Length == 2 && !words[0].Contains('=', StringComparison.Ordinal))
        {
            _env[words[0]] = words[1];
            return;
        }

        foreach (var word in words)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"{instruction}: '{word}' is not NAME=value");
            }

            _env[word[..eq]] = word[(eq + 1)..];
        }
    }

    /// <summary>BuildKit's COPY from the context: a file to a file or into a folder (a destination ending in / or several sources), a folder's contents into a folder.</summary>
    private void Copy(DockerInstruction instruction)
    {
        var words = instruction.ExecForm ?? Dockerfile.SimpleCommandWords(instruction.Arguments);
        if (words.Any(w => w.StartsWith("--", StringComparison.Ordinal)))
        {
            throw new NotSupportedException($"{instruction}: COPY flags are not reproduced");
        }

        if (words.Length < 2)
        {
            throw new FormatException($"{instruction}: COPY needs a source and a destination");
        }

        var destination = words[^1];
        var intoFolder = destination.EndsWith('/') || words.Length > 2;
        var target = HostPath(destination);
        foreach (var source in words[..^1])
        {
            var relative = source.TrimStart('/');
            var from = Path.Combine(contextDir, relative);
            if (File.Exists(from))
            {
                var to = intoFolder || Directory.Exists(target) ? Path.Combine(target, Path.GetFileName(from)) : target;
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(from, to, overwrite: true);
            }
            else if (Directory.Exists(from))
            {
                foreach (var file in Directory.EnumerateFiles(from, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
                {
                    var to = Path.Combine(target, Path.GetRelativePath(from, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    File.Copy(file, to, overwrite: true);
                }
            }
            else
            {
                // Docker: "failed to compute cache key: ... not found" (missing, or left out by .dockerignore).
                throw new FileNotFoundException($"{instruction}: '{source}' is not in the build context");
            }
        }
    }

    private async Task RunAsync(DockerInstruction instruction, CancellationToken cancellationToken)
    {
        var words = (instruction.ExecForm ?? Dockerfile.SimpleCommandWords(instruction.Arguments)).Select(MapWord).ToList();
        var start = new ProcessStartInfo(words[0])
        {
            WorkingDirectory = HostPath(_workdir),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in words.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under `dotnet test`, whose MSBuild variables would leak into the build.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>()
                     .Where(n => n.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || n.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)))
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in _env)
        {
            start.Environment[name] = value;
        }

        // In a container every process of a RUN ends with it; here the build servers must not outlive the
        // command (they would also hold its output pipes open).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        log($"RUN {string.Join(' ', words)}");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var reads = new[] { Pump(process.StandardOutput, output), Pump(process.StandardError, output) };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(reads);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{instruction}: still running after 15 minutes\n{Tail(output)}");
        }

        log($"  exit {process.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
        if (process.ExitCode != 0)
        {
            throw new DockerBuildFailedException($"{instruction}: exit code {process.ExitCode}\n{Tail(output)}", output.ToString());
        }
    }

    private string MapWord(string word)
    {
        if (word.StartsWith('/'))
        {
            return HostPath(word);
        }

        // --output=/app
        var eq = word.IndexOf("=/", StringComparison.Ordinal);
        return word.StartsWith('-') && eq > 0 ? word[..(eq + 1)] + HostPath(word[(eq + 1)..]) : word;
    }

    private static async Task Pump(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Tail(StringBuilder output)
    {
        lock (output)
        {
            var lines = output.ToString().Split('\n');
            return string.Join('\n', lines.TakeLast(60));
        }
    }
}

internal sealed class DockerBuildFailedException(string message, string output) : Exception(message)
{
    public string Output { get; } = output;
}
