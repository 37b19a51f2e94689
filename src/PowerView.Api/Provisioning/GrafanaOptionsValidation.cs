using Microsoft.Extensions.Options;

namespace PowerView.Api.Provisioning;

/// <summary>Start-up checks of section <c>Grafana</c>; each message names the key to fix.</summary>
internal sealed class GrafanaOptionsValidation : IValidateOptions<GrafanaOptions>
{
    public ValidateOptionsResult Validate(string? name, GrafanaOptions o)
    {
        var errors = new List<string>();
        if (!Enum.TryParse<GrafanaTenancy>(o.Tenancy, ignoreCase: true, out var tenancy) || !Enum.IsDefined(tenancy)
            || int.TryParse(o.Tenancy, out _))
        {
            errors.Add($"Grafana:Tenancy must be Organization or Team (got '{o.Tenancy}')");
        }

        // One of the two without the other is one mistake: said once, whatever else needs the login.
        var halfLogin = string.IsNullOrWhiteSpace(o.AdminUser) != string.IsNullOrEmpty(o.AdminPassword);
        if (halfLogin)
        {
            errors.Add("Grafana:AdminUser and Grafana:AdminPassword go together: set both or neither");
        }

        if (o.Enabled)
        {
            CheckUrl(o.Url, "Grafana:Url", errors);
            if (tenancy == GrafanaTenancy.Organization && !o.HasAdminLogin && !halfLogin)
            {
                errors.Add("Grafana:AdminUser and Grafana:AdminPassword are required when Grafana:Url is set in Organization tenancy "
                    + "(organizations and users need a server admin; a service-account token cannot create them)");
            }

            if (tenancy == GrafanaTenancy.Team && !o.HasAdminLogin && !halfLogin && string.IsNullOrWhiteSpace(o.Token))
            {
                errors.Add("Grafana:Token or Grafana:AdminUser and Grafana:AdminPassword are required when Grafana:Url is set in Team tenancy");
            }
        }

        if (o.InfluxUrl.Length > 0)
        {
            CheckUrl(o.InfluxUrl, "Grafana:InfluxUrl", errors);
        }

        if (o.ApiUrl.Length > 0)
        {
            CheckUrl(o.ApiUrl, "Grafana:ApiUrl", errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckUrl(string value, string key, List<string> errors)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            // A value with '@' may hold a password: it is not echoed.
            errors.Add(value.Contains('@', StringComparison.Ordinal)
                ? $"{key} must be an absolute http(s) URL"
                : $"{key} must be an absolute http(s) URL (got '{value}')");
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            // The URL is logged and shown; credentials belong in their own keys.
            errors.Add($"{key} must not carry credentials; use Grafana:AdminUser/Grafana:AdminPassword or Grafana:Token");
        }
    }
}
