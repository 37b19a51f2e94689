namespace PowerView.Api.Provisioning;

/// <summary>
/// Section <c>Grafana</c>: where Grafana is and how the provisioner signs in. An empty <see cref="Url"/>
/// turns provisioning off (phase 2 records the run as skipped).
/// </summary>
internal sealed class GrafanaOptions
{
    public const string SectionName = "Grafana";

    public string Url { get; set; } = "";

    /// <summary>Server-admin login: organizations and users need it, and it suffices for everything else.</summary>
    public string AdminUser { get; set; } = "";

    public string AdminPassword { get; set; } = "";

    /// <summary>A service-account token (Admin role), used in <c>Team</c> tenancy when no admin login is given.</summary>
    public string Token { get; set; } = "";

    /// <summary><c>Organization</c> (one Grafana organization per company) or <c>Team</c> (the original's single organization).</summary>
    public string Tenancy { get; set; } = nameof(GrafanaTenancy.Organization);

    /// <summary>InfluxDB as Grafana reaches it; empty means <c>Influx:Url</c>.</summary>
    public string InfluxUrl { get; set; } = "";

    /// <summary>This service as Grafana reaches it, for the Infinity datasources; empty means no uploads dashboard.</summary>
    public string ApiUrl { get; set; } = "";

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    public bool HasAdminLogin => !string.IsNullOrWhiteSpace(AdminUser) && !string.IsNullOrEmpty(AdminPassword);

    public GrafanaTenancy TenancyMode =>
        Enum.TryParse<GrafanaTenancy>(Tenancy, ignoreCase: true, out var mode) ? mode : GrafanaTenancy.Organization;
}

internal enum GrafanaTenancy
{
    /// <summary>One organization per company: its datasources are out of every other customer's reach.</summary>
    Organization,

    /// <summary>Everything in the main organization, namespaced by company: isolates dashboards, not data (grafana.md §1.2).</summary>
    Team,
}
