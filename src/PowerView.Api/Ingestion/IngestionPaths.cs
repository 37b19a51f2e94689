using PowerView.Api.Configuration;

namespace PowerView.Api.Ingestion;

/// <summary>What ingestion keeps under <c>PowerView:StateDir</c>.</summary>
internal static class IngestionPaths
{
    /// <summary>The line-protocol sink (no <c>Influx:Url</c>): <c>lineprotocol/&lt;bucket&gt;/&lt;stream&gt;.lp</c>.</summary>
    public static string LineProtocolDir(this PowerViewPaths paths) => Path.Combine(paths.StateDir, "lineprotocol");

    /// <summary>Markers of the files that could not be moved after their run (<see cref="StuckFiles"/>): <c>stuck/&lt;sha256 of the path&gt;.json</c>.</summary>
    public static string StuckDir(this PowerViewPaths paths) => Path.Combine(paths.StateDir, "stuck");
}
