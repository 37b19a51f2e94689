using PowerView.Api.Configuration;

namespace PowerView.Api.Runs;

/// <summary>What the run history keeps under <c>PowerView:StateDir</c>.</summary>
internal static class RunsPaths
{
    /// <summary>The embedded run store (SQLite).</summary>
    public static string RunStoreFile(this PowerViewPaths paths) => Path.Combine(paths.StateDir, "runs.db");

    /// <summary>One JSON report per run, in a folder per UTC day (<c>reports/2026-01-05/&lt;id&gt;.json</c>).</summary>
    public static string ReportsDir(this PowerViewPaths paths) => Path.Combine(paths.StateDir, "reports");
}
