namespace PowerView.Api.Provisioning;

/// <summary>
/// A provisioning step failed. <see cref="Step"/> names it (phase 2 records it in the <c>provision</c> run) and the
/// message carries Grafana's or InfluxDB's own; Hangfire retries the job, and the rerun completes what is missing.
/// </summary>
internal sealed class ProvisioningException(string company, string step, Exception inner)
    : Exception($"Provisioning {company} failed at step '{step}': {inner.Message}", inner)
{
    public string Company { get; } = company;

    public string Step { get; } = step;
}

/// <summary>The step names, as recorded.</summary>
internal static class ProvisioningSteps
{
    public const string Validate = "validate";
    public const string InfluxBuckets = "influx-buckets";
    public const string InfluxTasks = "influx-tasks";
    public const string GrafanaOrganization = "grafana-organization";
    public const string GrafanaTeam = "grafana-team";
    public const string GrafanaFolder = "grafana-folder";
    public const string GrafanaFolderPermissions = "grafana-folder-permissions";
    public const string InfluxDatasource = "grafana-influx-datasource";
    public const string ApiDatasource = "grafana-api-datasource";
    public const string Dashboards = "grafana-dashboards";
    public const string User = "grafana-user";
}
