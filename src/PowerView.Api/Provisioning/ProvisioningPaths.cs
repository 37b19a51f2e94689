using PowerView.Api.Configuration;

namespace PowerView.Api.Provisioning;

/// <summary>What provisioning keeps under <c>PowerView:StateDir</c>.</summary>
internal static class ProvisioningPaths
{
    /// <summary>The embedded provisioning store (SQLite), a file of its own beside the run store's.</summary>
    public static string ProvisioningStoreFile(this PowerViewPaths paths) => Path.Combine(paths.StateDir, "provisioning.db");
}
