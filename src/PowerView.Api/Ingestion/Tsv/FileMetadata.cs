using System.Text.Json;

namespace PowerView.Api.Ingestion.Tsv;

/// <summary>The JSON header block of a file (between START_HEADER and END_HEADER), as far as we use it.</summary>
internal sealed class FileMetadata
{
    public static readonly FileMetadata None = new(null);

    private FileMetadata(Dictionary<string, JsonElement>? values) => Values = values;

    /// <summary>Every key of the header, as found (null for a file without a header block).</summary>
    public Dictionary<string, JsonElement>? Values { get; }

    public string? MasterType => GetString("MasterType");

    public string? DataTimeSettings => GetString("DataTimeSettings");

    public string? TimeZoneName => GetString("TimeZoneName");

    /// <summary>Parses the header text; invalid JSON gives empty metadata and a warning (contract §1).</summary>
    public static FileMetadata Parse(string json, out string? warning)
    {
        warning = null;
        try
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json);
            return new FileMetadata(values ?? []);
        }
        catch (JsonException ex)
        {
            warning = $"header JSON is not valid ({ex.Message}); metadata ignored";
            return new FileMetadata([]);
        }
    }

    private string? GetString(string key) =>
        Values is not null && Values.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}
