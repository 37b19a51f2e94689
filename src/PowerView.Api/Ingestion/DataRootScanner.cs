namespace PowerView.Api.Ingestion;

/// <summary>
/// Lists the device files waiting under the data root: exactly <c>company/campaign/device/*.tsv</c>,
/// never inside <c>parsed/</c> or <c>error/</c>, never hidden or temporary names, never through a
/// symbolic link. Sorted, so runs are reproducible.
/// </summary>
internal sealed class DataRootScanner(DataLayout layout)
{
    private static readonly EnumerationOptions Options = new()
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
                    var files = Directory.EnumerateFiles(device, "*.tsv", Options).Order(StringComparer.Ordinal);
                    foreach (var path in files)
                    {
                        if (DataLayout.TemporaryNameReason(Path.GetFileName(path)) is null
                            && layout.TryResolveFile(path, out _) is { } file)
                        {
                            yield return file;
                        }
                    }
                }
            }
        }
    }

    private static IEnumerable<string> Children(string folder) =>
        Directory.EnumerateDirectories(folder, "*", Options)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal);
}
