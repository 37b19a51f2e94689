using PowerView.Api.Configuration;

namespace PowerView.Api.Ingestion;

/// <summary>
/// Where files live under the data root and which ones are ours. A path is accepted only when it stays
/// under the root once made absolute (no <c>..</c> escape), crosses no symbolic link below the root,
/// and has exactly the four levels company/campaign/device/file.
/// </summary>
internal sealed class DataLayout(PowerViewPaths paths)
{
    public const string ParsedFolder = "parsed";
    public const string ErrorFolder = "error";

    public string DataRoot => paths.DataRoot;

    /// <summary>Resolves a file path (absolute, or relative to the data root) into a <see cref="DataFile"/>.</summary>
    /// <returns>null and a reason when the path is not a device file of the data root.</returns>
    public DataFile? TryResolveFile(string path, out string? problem)
    {
        var relative = TryRelative(path, out problem);
        if (relative is null)
        {
            return null;
        }

        var parts = relative.Split('/');
        if (parts.Length != 4)
        {
            problem = $"'{relative}' is not <company>/<campaign>/<device>/<file>.tsv ({parts.Length} levels)";
            return null;
        }

        if (!parts[3].EndsWith(".tsv", StringComparison.Ordinal))
        {
            problem = $"'{parts[3]}' is not a .tsv file";
            return null;
        }

        // parsed/ and error/ sit in device folders; a company or campaign may well be called "error".
        if (parts[2] is ParsedFolder or ErrorFolder)
        {
            problem = $"'{relative}' is inside a '{parts[2]}' folder, which is never ingested";
            return null;
        }

        if (TemporaryNameReason(parts[3]) is { } temporary)
        {
            problem = $"'{parts[3]}' is {temporary}";
            return null;
        }

        return new DataFile(Path.Combine(DataRoot, Path.Combine(parts)), relative, parts[0], parts[1], parts[2]);
    }

    /// <summary>
    /// The path relative to the data root with '/' separators, or null with the reason: outside the root
    /// (also through '..') or through a symbolic link.
    /// </summary>
    public string? TryRelative(string path, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            problem = "the path is empty";
            return null;
        }

        // GetFullPath folds '//' and '.', but keeps a trailing '/': "acme/site1/" names the campaign, not an empty device.
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(DataRoot, path)));
        var relative = Path.GetRelativePath(DataRoot, full);
        if (relative == "." || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal)
            || Path.IsPathRooted(relative))
        {
            problem = $"'{path}' is outside the data root";
            return null;
        }

        var parts = relative.Split(Path.DirectorySeparatorChar);
        var current = DataRoot;
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                problem = $"'{relative}' goes through the symbolic link '{part}'";
                return null;
            }
        }

        return string.Join('/', parts);
    }

    /// <summary>Names never ingested: hidden files, SFTPGo and client temporary names.</summary>
    public static string? TemporaryNameReason(string fileName)
    {
        if (fileName.StartsWith('.'))
        {
            return fileName.StartsWith(".sftpgo-upload.", StringComparison.Ordinal)
                ? "an SFTPGo atomic-upload temporary file"
                : "a hidden file";
        }

        if (fileName.EndsWith(".filepart", StringComparison.Ordinal) || fileName.EndsWith(".part", StringComparison.Ordinal))
        {
            return "a client's temporary upload name";
        }

        return null;
    }

    /// <summary>A company folder becomes an InfluxDB bucket name: no leading '_', no control characters or '"', at most 64 characters.</summary>
    public static string? BucketNameProblem(string company)
    {
        if (company.Length == 0)
        {
            return "it is empty";
        }

        if (company.StartsWith('_'))
        {
            return "InfluxDB reserves names starting with '_'";
        }

        if (company.Length > 64)
        {
            return "it is longer than 64 characters";
        }

        if (company.Any(char.IsControl))
        {
            return "it contains control characters";
        }

        return company.Contains('"', StringComparison.Ordinal) ? "it contains '\"'" : null;
    }
}
