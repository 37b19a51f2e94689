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

        foreach (var (secret, key) in new[] { (o.HookSecret, "PowerView:HookSecret"), (o.AdminKey, "PowerView:AdminKey"), (o.MetricsKey, "PowerView:MetricsKey") })
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length < 12)
            {
                errors.Add($"{key} must be at least 12 characters");
            }
        }

        if (!string.IsNullOrEmpty(o.MetricsKey) && (o.MetricsKey == o.AdminKey || o.MetricsKey == o.HookSecret))
        {
            errors.Add("PowerView:MetricsKey must differ from the admin key and the hook secret");
        }

        foreach (var (company, key) in o.CompanyKeys)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length < 12)
            {
                errors.Add($"PowerView:CompanyKeys:{company} must be at least 12 characters");
            }

            if (key == o.AdminKey || key == o.HookSecret || key == o.MetricsKey)
            {
                errors.Add($"PowerView:CompanyKeys:{company} must differ from the admin key, the metrics key and the hook secret");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
