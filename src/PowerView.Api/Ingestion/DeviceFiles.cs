using PowerView.Api.Ingestion.Tsv;

namespace PowerView.Api.Ingestion;

/// <summary>Device files handled outside an upload: what a file says about itself, and copying one into the data root.</summary>
internal static class DeviceFiles
{
    /// <summary>The master serial number of format line A (cell 0), or null when the file has no readable format lines.</summary>
    public static string? MasterSerial(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var file = TsvFile.Open(stream, FormatRegistry.Default);
            var master = file.LineA[0].Trim();
            return master.Length > 0 ? master : null;
        }
        catch (Exception ex) when (ex is FileRejectedException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> to the place of <paramref name="target"/>, never over an existing file. It is
    /// copied under a hidden name first and renamed, so the sweep never sees half a file.
    /// </summary>
    public static (DataFile? File, string? Problem) CopyInto(string source, DataFile target)
    {
        if (File.Exists(target.FullPath))
        {
            return (null, $"'{target.RelativePath}' already exists in the data root: '{source}' was not copied");
        }

        var partial = Path.Combine(target.Directory, $".{target.FileName}.{Guid.NewGuid():N}.copy");
        try
        {
            Directory.CreateDirectory(target.Directory);
            File.Copy(source, partial);
            File.Move(partial, target.FullPath, overwrite: false);
            return (target, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(partial);
            return (null, $"'{source}' could not be copied to '{target.RelativePath}': {ex.Message}");
        }
    }
}
