using Microsoft.Extensions.Options;

namespace PowerView.Api.Configuration;

/// <summary>
/// The two folders the service works in, resolved once against the content root. Each feature names what it keeps
/// under <see cref="StateDir"/> itself (the run store and reports, the line-protocol sink).
/// </summary>
internal sealed class PowerViewPaths
{
    public PowerViewPaths(IOptions<PowerViewOptions> options, IHostEnvironment environment)
        : this(Resolve(environment.ContentRootPath, options.Value.DataRoot), Resolve(environment.ContentRootPath, options.Value.StateDir))
    {
    }

    public PowerViewPaths(string dataRoot, string stateDir)
    {
        DataRoot = dataRoot;
        StateDir = stateDir;
    }

    /// <summary>Absolute data root, symbolic links of the root itself resolved (links below it are refused).</summary>
    public string DataRoot { get; }

    public string StateDir { get; }

    private static string Resolve(string contentRoot, string path)
    {
        var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path));
        full = Path.TrimEndingDirectorySeparator(full);
        var info = new DirectoryInfo(full);
        return info.Exists && info.LinkTarget is not null
            ? Path.TrimEndingDirectorySeparator(info.ResolveLinkTarget(returnFinalTarget: true)!.FullName)
            : full;
    }
}
