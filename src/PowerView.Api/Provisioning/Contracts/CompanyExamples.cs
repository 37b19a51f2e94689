using PowerView.Api.Runs;

namespace PowerView.Api.Provisioning.Contracts;

/// <summary>The examples of the OpenAPI document: the company acme after a mkdir of acme/site-a, as the API answers it.</summary>
internal static class CompanyExamples
{
    private static readonly DateTimeOffset At = new(2026, 1, 5, 10, 0, 2, 480, TimeSpan.Zero);
    private const string Uid = "pv-acme-4e2b7c1d9a";

    public static CompanyAnswer Company { get; } = new()
    {
        Company = "acme",
        Provisioned = true,
        ProvisionedAt = At,
        Tenancy = "organization",
        OrganizationId = 2,
        TeamId = 1,
        FolderUid = Uid,
        InfluxDatasourceUid = Uid + "-influx",
        ApiDatasourceUid = Uid + "-api",
        TokenId = "0d5e6f7a8b9c0d1e",
        KeyId = "ck_019b8d0e6a4873c0a5b5f1c2d3e4f507",
        Dashboards = [new(Uid + "-overview", "acme — measurements"), new(Uid + "-uploads", "acme — uploads")],
        Buckets = [new("acme", "0a00000000000001"), new("acme_1h", "0a00000000000002"), new("acme_1d", "0a00000000000003"), new("acme_1w", "0a00000000000004")],
        Tasks = [new("1h", "downsample_acme_1h", "0b00000000000001"), new("1d", "downsample_acme_1d", "0b00000000000002"), new("1w", "downsample_acme_1w", "0b00000000000003")],
        Campaigns = ["site-a"],
        LastRunId = "019b8d0e6a4873c0a5b5f1c2d3e4f508",
        LastRunStatus = RunStatus.Success,
        LastRunCampaign = "site-a",
        LastRunAt = At,
        LastRunMessage = $"created bucket:acme, bucket:acme_1h, bucket:acme_1d, bucket:acme_1w, task:downsample_acme_1h, task:downsample_acme_1d, task:downsample_acme_1w, organization:acme, team:acme, folder:{Uid}, datasource:{Uid}-influx, datasource:{Uid}-api; found organization 2, team 1, folder {Uid}, 2 datasources, 2 dashboards, 4 buckets, 3 tasks",
    };

    public static CompanyUserRequest UserRequest { get; } = new() { Login = "jdupont", Email = "j.dupont@acme.example", Name = "Jeanne Dupont" };

    public static CompanyUserAnswer UserAnswer { get; } = new()
    {
        UserId = 7,
        Login = "jdupont",
        Created = true,
        GeneratedPassword = "Zq7kV3mTx9pLc2HwR8nD",
        OrganizationId = 2,
        TeamId = 1,
    };

    public static CompanyUserRow User { get; } = new(7, "jdupont", "j.dupont@acme.example", "Jeanne Dupont", "Viewer", true);
}
