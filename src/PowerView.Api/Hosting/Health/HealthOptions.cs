using Microsoft.Extensions.Options;

namespace PowerView.Api.Hosting.Health;

/// <summary>Section <c>Health</c>: thresholds and timeouts of <c>/health</c>.</summary>
internal sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>Below this many free megabytes under the data root or state folder <c>/health</c> is unhealthy (degraded below twice as many).</summary>
    public long MinFreeDiskMegabytes { get; set; } = 1024;

    /// <summary>Each check (InfluxDB, Grafana, job storage...) gives up after this long.</summary>
    public int TimeoutSeconds { get; set; } = 5;
}

internal sealed class HealthOptionsValidation : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions o)
    {
        var errors = new List<string>();
        if (o.MinFreeDiskMegabytes < 0)
        {
            errors.Add("Health:MinFreeDiskMegabytes must be 0 or more");
        }

        if (o.TimeoutSeconds is < 1 or > 120)
        {
            errors.Add("Health:TimeoutSeconds must be between 1 and 120");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
