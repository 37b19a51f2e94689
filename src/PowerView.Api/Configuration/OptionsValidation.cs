using Microsoft.Extensions.Options;

namespace PowerView.Api.Configuration;

/// <summary>
/// Start-up checks of the configuration. Each failure names the key to fix (environment variables
/// spell it with <c>__</c>, e.g. <c>PowerView__HookSecret</c>). The service refuses to start otherwise.
/// </summary>
internal sealed class PowerViewOptionsValidation(IHostEnvironment environment, ServiceMode mode) : IValidateOptions<PowerViewOptions>
{
    public ValidateOptionsResult Validate(string? name, PowerViewOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.DataRoot))
        {
            errors.Add("PowerView:DataRoot is required");
        }

        if (string.IsNullOrWhiteSpace(o.StateDir))
        {
            errors.Add("PowerView:StateDir is required");
        }

        // The CLI verbs answer no HTTP call, so they need no secrets.
        if (mode == ServiceMode.Web && !environment.IsDevelopment())
        {
            if (string.IsNullOrWhiteSpace(o.HookSecret))
            {
                errors.Add("PowerView:HookSecret is required outside Development");
            }

            if (string.IsNullOrWhiteSpace(o.AdminKey))
            {
                errors.Add("PowerView:AdminKey is required outside Development");
            }
        }

        foreach (var (secret, key) in new[] { (o.HookSecret, "PowerView:HookSecret"), (o.AdminKey, "PowerView:AdminKey") })
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length < 12)
            {
                errors.Add($"{key} must be at least 12 characters");
            }
        }

        foreach (var (company, key) in o.CompanyKeys)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length < 12)
            {
                errors.Add($"PowerView:CompanyKeys:{company} must be at least 12 characters");
            }

            if (key == o.AdminKey || key == o.HookSecret)
            {
                errors.Add($"PowerView:CompanyKeys:{company} must differ from the admin key and the hook secret");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
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

internal sealed class IngestionOptionsValidation : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions o)
    {
        var errors = new List<string>();
        if (o.SettleSeconds < 0)
        {
            errors.Add("Ingestion:SettleSeconds must be 0 or more");
        }

        if (o.IncompleteGraceSeconds < o.SettleSeconds)
        {
            errors.Add("Ingestion:IncompleteGraceSeconds must be at least Ingestion:SettleSeconds");
        }

        if (o.SweepIntervalSeconds < 1)
        {
            errors.Add("Ingestion:SweepIntervalSeconds must be 1 or more");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
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

internal sealed class JobsOptionsValidation(IConfiguration configuration) : IValidateOptions<JobsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobsOptions o)
    {
        var errors = new List<string>();
        if (!o.Storage.Equals("InMemory", StringComparison.OrdinalIgnoreCase)
            && !o.Storage.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Jobs:Storage must be InMemory or PostgreSql (got '{o.Storage}')");
        }

        if (o.Storage.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrWhiteSpace(configuration.GetConnectionString("Hangfire")))
        {
            errors.Add("ConnectionStrings:Hangfire is required when Jobs:Storage is PostgreSql");
        }

        if (o.WorkerCount is < 0 or > 100)
        {
            errors.Add("Jobs:WorkerCount must be between 0 and 100");
        }

        if (o.IngestionNice is < 0 or > 19)
        {
            errors.Add("Jobs:IngestionNice must be between 0 (normal priority) and 19");
        }

        if (o.RetryDelaysSeconds is { } delays && delays.Any(d => d is < 1 or > 86_400))
        {
            errors.Add("Jobs:RetryDelaysSeconds must hold delays between 1 and 86400 seconds");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
