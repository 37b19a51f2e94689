using System.Collections.Frozen;
using PowerView.Api.Ingestion.Tsv.Formats;

namespace PowerView.Api.Ingestion.Tsv;

/// <summary>The formats PowerView reads, by marker. Adding a format: one <see cref="TsvFormat"/> subclass and one line here.</summary>
internal sealed class FormatRegistry
{
    public static FormatRegistry Default { get; } = new([new MvT302V002(), new MvT302V003(), new MvT202V002()]);

    private readonly FrozenDictionary<string, TsvFormat> _byMarker;

    public FormatRegistry(IEnumerable<TsvFormat> formats) =>
        _byMarker = formats.ToFrozenDictionary(f => f.Marker, StringComparer.Ordinal);

    public IEnumerable<string> Markers => _byMarker.Keys.Order(StringComparer.Ordinal);

    public TsvFormat Find(string marker) =>
        _byMarker.TryGetValue(marker, out var format)
            ? format
            : throw new FileRejectedException(marker.Length == 0
                ? "no format marker: cell 0 of format line B is empty"
                : $"unsupported format marker '{Truncate(marker)}' (known: {string.Join(", ", Markers)})");

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
