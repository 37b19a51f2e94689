namespace PowerView.Api.Ingestion;

/// <summary>A device file and what its place says: <c>&lt;DataRoot&gt;/&lt;company&gt;/&lt;campaign&gt;/&lt;device&gt;/&lt;file&gt;.tsv</c>.</summary>
/// <param name="FullPath">Absolute path of the file.</param>
/// <param name="RelativePath">Path under the data root with '/' separators; null for a file given to the CLI from elsewhere.</param>
internal sealed record DataFile(string FullPath, string? RelativePath, string Company, string Campaign, string DeviceFolder)
{
    public string FileName => Path.GetFileName(FullPath);

    public string Directory => Path.GetDirectoryName(FullPath)!;
}
