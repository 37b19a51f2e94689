using Microsoft.Extensions.Options;

namespace PowerView.Api.Jobs;

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

internal sealed class GrafanaOptionsValidation : IValidateOptions<GrafanaOptions>
{
    public ValidateOptionsResult Validate(string? name, GrafanaOptions o)
    {
        if (!o.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out _))
        {
            errors.Add($"Grafana:Url must be an absolute URL (got '{o.Url}')");
        }

        if (string.IsNullOrWhiteSpace(o.Token))
        {
            errors.Add("Grafana:Token is required when Grafana:Url is set");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
