namespace PowerView.Api.Tests.Infrastructure;

/// <summary>The real device files copied under TestData/samples (see TestData/README.md).</summary>
public static class Samples
{
    public static string Folder => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "samples");

    public static string Path(string relative) => System.IO.Path.Combine(Folder, relative);

    /// <summary>Every .tsv sample, relative to the samples folder, sorted.</summary>
    public static IReadOnlyList<string> All() =>
        Directory.EnumerateFiles(Folder, "*.tsv", SearchOption.AllDirectories)
            .Select(p => System.IO.Path.GetRelativePath(Folder, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
}
