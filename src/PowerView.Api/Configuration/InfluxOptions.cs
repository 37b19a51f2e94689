using Microsoft.Extensions.Options;

namespace PowerView.Api.Configuration;

/// <summary>
/// Section <c>Influx</c>: the InfluxDB 2.x connection, shared by ingestion (writes, the meta bucket) and provisioning
/// (buckets, tasks, tokens). An empty <see cref="Url"/> selects the line-protocol file sink.
/// </summary>
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

internal sealed class InfluxOptionsValidation : IValidateOptions<InfluxOptions>
{
    public ValidateOptionsResult Validate(string? name, InfluxOptions o)
    {
        var errors = new List<string>();
        if (o.Enabled)
        {
            if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                errors.Add($"Influx:Url must be an absolute http(s) URL (got '{o.Url}')");
            }

            if (string.IsNullOrWhiteSpace(o.Token))
            {
                errors.Add("Influx:Token is required when Influx:Url is set");
            }

            if (string.IsNullOrWhiteSpace(o.Org))
            {
                errors.Add("Influx:Org is required when Influx:Url is set");
            }
        }

        if (string.IsNullOrWhiteSpace(o.MetaBucket))
        {
            errors.Add("Influx:MetaBucket is required");
        }

        if (o.ChunkLines is < 1 or > 100_000)
        {
            errors.Add("Influx:ChunkLines must be between 1 and 100000");
        }

        if (o.TimeoutSeconds is < 1 or > 600)
        {
            errors.Add("Influx:TimeoutSeconds must be between 1 and 600");
        }

        if (o.MaxAttempts is < 1 or > 20)
        {
            errors.Add("Influx:MaxAttempts must be between 1 and 20");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
