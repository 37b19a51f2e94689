namespace PowerView.Api.Provisioning.Storage;

/// <summary>
/// Where the provisioning store is: the run store's keys decide (<c>Runs:Storage</c>, <c>ConnectionStrings:Runs</c>),
/// so one setting moves all the state several instances must share to PostgreSQL. Read here, not through the run
/// history's options: the two stores share a database, never a table. The run history validates the keys at start-up.
/// </summary>
internal sealed class ProvisioningStorageOptions
{
    public const string StorageKey = "Runs:Storage";
    public const string ConnectionStringName = "Runs";

    public string Storage { get; set; } = "Sqlite";

    public string? ConnectionString { get; set; }

    public bool IsPostgreSql => Storage.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase);
}
