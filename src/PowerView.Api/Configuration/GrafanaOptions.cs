namespace PowerView.Api.Configuration;

/// <summary>Section <c>Grafana</c>. An empty <see cref="Url"/> records provisioning as skipped.</summary>
internal sealed class GrafanaOptions
{
    public const string SectionName = "Grafana";

    public string Url { get; set; } = "";

    /// <summary>Service-account token with the Admin role.</summary>
    public string Token { get; set; } = "";

    /// <summary>InfluxDB URL as Grafana reaches it; defaults to <c>Influx:Url</c>.</summary>
    public string InfluxUrl { get; set; } = "";

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
}
