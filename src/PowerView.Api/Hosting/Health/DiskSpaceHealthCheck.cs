using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;

namespace PowerView.Api.Hosting.Health;

/// <summary>
/// Free space where uploads land (data root) and where reports, the run store and line-protocol files go
/// (state folder): unhealthy below <c>Health:MinFreeDiskMegabytes</c>, degraded below twice that.
/// </summary>
internal sealed class DiskSpaceHealthCheck(PowerViewPaths paths, IOptions<HealthOptions> options) : IHealthCheck
{
    private const long Mb = 1024 * 1024;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var minimum = options.Value.MinFreeDiskMegabytes;
        var data = new Dictionary<string, object>();
        var worst = HealthStatus.Healthy;
        var notes = new List<string>();
        foreach (var (name, path) in new[] { ("dataRoot", paths.DataRoot), ("stateDir", paths.StateDir) })
        {
            long freeMb;
            try
            {
                freeMb = FreeBytes(path) / Mb;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"cannot read the free space of {name}: {ex.Message}"));
            }

            data[name + "FreeMb"] = freeMb;
            var status = freeMb < minimum ? HealthStatus.Unhealthy : freeMb < 2 * minimum ? HealthStatus.Degraded : HealthStatus.Healthy;
            worst = status < worst ? status : worst;
            notes.Add($"{name} {freeMb} MB free");
        }

        data["minFreeMb"] = minimum;
        var description = string.Join(", ", notes) + $" (minimum {minimum} MB)";
        return Task.FromResult(new HealthCheckResult(worst, description, data: data));
    }

    /// <summary>Free bytes of the file system holding the path (its nearest existing parent).</summary>
    private static long FreeBytes(string path)
    {
        var existing = new DirectoryInfo(path);
        while (!existing.Exists && existing.Parent is not null)
        {
            existing = existing.Parent;
        }

        // On Unix DriveInfo accepts any directory and asks statvfs about the file system holding it.
        return new DriveInfo(existing.FullName).AvailableFreeSpace;
    }
}
