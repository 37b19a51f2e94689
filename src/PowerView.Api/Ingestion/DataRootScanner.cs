namespace PowerView.Api.Ingestion;

/// <summary>
/// Lists the device files waiting under the data root: exactly <c>company/campaign/device/*.tsv</c>,
/// never inside <c>parsed/</c> or <c>error/</c>, never hidden or temporary names, never through a
/// symbolic link, and only regular files with one name (<see cref="DataFileAccess.WhyRefused"/>: a FIFO, a
/// link or a hard-linked file is never opened, and is listed by <see cref="StrandedFiles"/> instead). Sorted,
/// so runs are reproducible. A folder that vanishes or cannot be listed while it is walked is passed over,
/// never the end of the walk.
/// </summary>
internal sealed class DataRootScanner(DataLayout layout)
{
    internal static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        MatchType = MatchType.Simple,
        ReturnSpecialDirectories = false,
    };

    public IEnumerable<DataFile> FindWaitingFiles()
    {
        if (!Directory.Exists(layout.DataRoot))
        {
            yield break;
        }

        foreach (var company in Children(layout.DataRoot))
        {
            foreach (var campaign in Children(company))
            {
                foreach (var device in Children(campaign).Where(d => Path.GetFileName(d) is not (DataLayout.ParsedFolder or DataLayout.ErrorFolder)))
                {
                    foreach (var path in List(() => Directory.EnumerateFiles(device, "*.tsv", Options)))
                    {
                        if (DataLayout.TemporaryNameReason(Path.GetFileName(path)) is null
                            && layout.TryResolveFile(path, out _) is { } file
                            && DataFileAccess.WhyRefused(file) is null)
                        {
                            yield return file;
                        }
                    }
                }
            }
        }
    }

    private static IReadOnlyList<string> Children(string folder) =>
        [.. List(() => Directory.EnumerateDirectories(folder, "*", Options)).Where(d => !Path.GetFileName(d).StartsWith('.'))];

    /// <summary>The entries of one folder, sorted; none when it vanished or cannot be read meanwhile.</summary>
    internal static IReadOnlyList<string> List(Func<IEnumerable<string>> entries)
    {
        try
        {
            return [.. entries().Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
