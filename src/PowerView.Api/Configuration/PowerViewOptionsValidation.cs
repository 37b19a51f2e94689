using Microsoft.Extensions.Options;

namespace PowerView.Api.Configuration;

/// <summary>
/// Start-up checks of the configuration. Each failure names the key to fix (environment variables
/// spell it with <c>__</c>, e.g. <c>PowerView__HookSecret</c>). The service refuses to start otherwise.
/// </summary>
internal sealed class PowerViewOptionsValidation(IHostEnvironment environment, ServiceMode mode) : IValidateOptions<PowerViewOptions>
{
    /// <summary>Outside Development a secret is at least this long: 32 random characters cannot be guessed online.</summary>
    public const int StrongLength = 32;

    private const int MinimumLength = 12;

    /// <summary>How the shipped examples (deploy/.env.example, the docs) spell a value still to be replaced.</summary>
    private static readonly string[] Placeholders = ["change-me", "changeme", "replace-me", "<"];

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

        // The CLI verbs answer no HTTP call, so they need no secrets and do not judge them.
        var strict = mode == ServiceMode.Web && !environment.IsDevelopment();
        if (strict)
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

        var secrets = new List<(string Key, string Value)>
        {
            ("PowerView:HookSecret", o.HookSecret),
            ("PowerView:AdminKey", o.AdminKey),
            ("PowerView:MetricsKey", o.MetricsKey),
        };
        secrets.AddRange(o.CompanyKeys.Select(c => ($"PowerView:CompanyKeys:{c.Key}", c.Value)));
        foreach (var (key, value) in secrets)
        {
            if (key.StartsWith("PowerView:CompanyKeys:", StringComparison.Ordinal) && string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{key} is empty");
            }
            else if (!string.IsNullOrEmpty(value) && Weakness(value, strict) is { } weakness)
            {
                errors.Add($"{key} {weakness}");
            }
        }

        // One secret per use: a leaked hook secret must not open the monitoring API, nor a company key another's data.
        var present = secrets.Where(s => !string.IsNullOrEmpty(s.Value)).ToList();
        foreach (var group in present.GroupBy(s => s.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"{string.Join(", ", group.Select(s => s.Key))} must all differ: each secret serves one purpose");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <returns>What makes the secret unfit (the sentence after its key), or null.</returns>
    private static string? Weakness(string secret, bool strict)
    {
        if (secret.Length < MinimumLength)
        {
            return $"must be at least {(strict ? StrongLength : MinimumLength)} characters";
        }

        if (!strict)
        {
            return null;
        }

        if (Placeholders.Any(p => secret.Contains(p, StringComparison.OrdinalIgnoreCase)))
        {
            return "is still a placeholder from the examples: generate one, e.g. openssl rand -hex 32";
        }

        if (secret.Length < StrongLength)
        {
            return $"must be at least {StrongLength} characters outside Development (e.g. openssl rand -hex 32)";
        }

        return secret.Distinct().Count() == 1 ? "is one character repeated: generate one, e.g. openssl rand -hex 32" : null;
    }
}
