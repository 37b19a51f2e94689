namespace PowerView.Api.Configuration;

/// <summary>Section <c>Influx</c>: InfluxDB 2.x. An empty <see cref="Url"/> selects the line-protocol file sink.</summary>
internal sealed class InfluxOptions
{
    public const string SectionName = "Influx";

    public string Url { get; set; } = "";

    public string Token { get; set; } = "";

    public string Org { get; set; } = "";

    /// <summary>Bucket of the run summaries (<c>tsv_parser_file</c>, <c>tsv_parser_run</c>).</summary>
    public string MetaBucket { get; set; } = "powerview_meta";

    /// <summary>Look up every company bucket by name and org and create it when missing. Turn off when the
    /// token may only write and an operator creates the buckets.</summary>
    public bool EnsureBuckets { get; set; } = true;

    /// <summary>Lines per write request (InfluxDB recommends about 5,000).</summary>
    public int ChunkLines { get; set; } = 5000;

    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Tries per write on network errors, 429 and 5xx before the run is deferred.</summary>
    public int MaxAttempts { get; set; } = 4;

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
}
