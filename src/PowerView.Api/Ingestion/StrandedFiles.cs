using System.ComponentModel;

namespace PowerView.Api.Ingestion;

/// <summary>
/// Files under the data root that will never be ingested as they are: too shallow or too deep for
/// <c>&lt;company&gt;/&lt;campaign&gt;/&lt;device&gt;/&lt;file&gt;.tsv</c>, or not <c>.tsv</c>. An upload one level too shallow is answered
/// <c>ignored</c> by the hook and would otherwise sit there unseen; these are counted in <c>/metrics</c> and listed by
/// <c>/api/files/stranded</c>. So are the device files PowerView refuses to open (<see cref="DataFileAccess"/>): a FIFO,
/// a symbolic link or a file with several names (hard links) named <c>*.tsv</c>, which stay as they are. Hidden and
/// temporary names (uploads in flight), <c>parsed/</c> and <c>error/</c> are not stranded; symbolic links are not followed.
/// </summary>
internal sealed class StrandedFiles(DataLayout layout)
{
    /// <summary>Below a device folder there is nothing to look for past this depth (and no loop to follow).</summary>
    private const int MaxDepth = 8;

    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Files are listed whatever they are (a link included: it is named, never followed).</summary>
    private static readonly EnumerationOptions FileOptions = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    public IEnumerable<StrandedFile> Find()
    {
        return Directory.Exists(layout.DataRoot) ? Walk(layout.DataRoot, 1) : [];

        IEnumerable<StrandedFile> Walk(string folder, int depth)
        {
            foreach (var file in DataRootScanner.List(() => Directory.EnumerateFiles(folder, "*", FileOptions)))
            {
                var name = Path.GetFileName(file);
                if (DataLayout.TemporaryNameReason(name) is not null)
                {
                    continue;
                }

                if (depth == 4 && name.EndsWith(".tsv", StringComparison.Ordinal))
                {
                    // A device file: stranded only when it is not one PowerView opens.
                    var refused = layout.TryResolveFile(file, out var problem) is { } data ? DataFileAccess.WhyRefused(data) : problem;
                    if (refused is not null)
                    {
                        yield return Describe(file, depth, refused);
                    }

                    continue;
                }

                if (new FileInfo(file).LinkTarget is not null)
                {
                    yield return Describe(file, depth, "a symbolic link: links are never followed");
                    continue;
                }

                yield return Describe(file, depth);
            }

            if (depth >= MaxDepth)
            {
                yield break;
            }

            foreach (var child in DataRootScanner.List(() => Directory.EnumerateDirectories(folder, "*", Options)))
            {
                var name = Path.GetFileName(child);
                if (name.StartsWith('.') || (depth == 4 && name is DataLayout.ParsedFolder or DataLayout.ErrorFolder))
                {
                    continue;
                }

                foreach (var stranded in Walk(child, depth + 1))
                {
                    yield return stranded;
                }
            }
        }
    }

    private StrandedFile Describe(string path, int depth, string? refused = null)
    {
        var relative = Path.GetRelativePath(layout.DataRoot, path).Replace(Path.DirectorySeparatorChar, '/');
        var reason = refused ?? depth switch
        {
            < 4 => $"{depth} level(s) deep: a device file goes in <company>/<campaign>/<device>/",
            4 => "not a .tsv file",
            _ => $"{depth} levels deep: a device file goes directly in <company>/<campaign>/<device>/",
        };
        // lstat: a link is described, not followed.
        var info = new FileInfo(path);
        return new StrandedFile(relative, depth > 1 ? relative.Split('/')[0] : null, reason,
            info.Exists ? info.Length : 0, info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) : null);
    }
}

/// <summary>One file the ingestion will never take where it is.</summary>
internal sealed record StrandedFile(
    [property: Description("Path relative to the data root.")] string Path,
    [property: Description("The company folder it is under; null at the top of the data root.")] string? Company,
    [property: Description("Why it will never be ingested where it is.")] string Reason,
    long SizeBytes,
    DateTimeOffset? ModifiedAt);
