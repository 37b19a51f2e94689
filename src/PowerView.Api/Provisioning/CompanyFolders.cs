using PowerView.Api.Ingestion;

namespace PowerView.Api.Provisioning;

/// <summary>The companies of the data root: its top-level folders, hidden ones excepted (<c>provision --all</c>, the reconcile).</summary>
internal static class CompanyFolders
{
    public static IReadOnlyList<string> OnDisk(DataLayout layout) =>
        !Directory.Exists(layout.DataRoot)
            ? []
            : [.. Directory.EnumerateDirectories(layout.DataRoot)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(name => name.Length > 0 && !name.StartsWith('.'))
                .Order(StringComparer.Ordinal)];
}
