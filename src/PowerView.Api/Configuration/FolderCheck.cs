namespace PowerView.Api.Configuration;

/// <summary>
/// Before anything else starts: the data root and the state folder exist (or can be made) and can be written. A
/// read-only or full state folder would otherwise surface later as "SQLite Error 14" from the run store, or as runs
/// that vanish; a data root that cannot be written would leave every file unmoved. Refused in one line naming the key.
/// </summary>
internal sealed class FolderCheck(PowerViewPaths paths) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Check("PowerView:StateDir", paths.StateDir);
        Check("PowerView:DataRoot", paths.DataRoot);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Check(string key, string folder)
    {
        var probe = Path.Combine(folder, $".powerview-write-check-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            // Written and flushed, not just created: a full disk accepts an empty file.
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
                stream.Write("ok\n"u8);
                stream.Flush(flushToDisk: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException($"{key} '{folder}' cannot be written: {ex.Message}", ex);
        }
    }
}
