using Microsoft.Extensions.Options;

namespace PowerView.Api.Provisioning.Storage;

/// <summary>
/// Where the provisioning store is: the run store's keys decide (<c>Runs:Storage</c>, <c>ConnectionStrings:Runs</c>),
/// so one setting moves all the state several instances must share to PostgreSQL. Read here, not through the run
/// history's options: the two stores share a database, never a table.
/// </summary>
internal sealed class ProvisioningStorageOptions
{
    public const string StorageKey = "Runs:Storage";
    public const string ConnectionStringName = "Runs";

    public string Storage { get; set; } = "Sqlite";

    public string? ConnectionString { get; set; }

    public bool IsPostgreSql => Storage.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase);
}

internal sealed class ProvisioningStorageOptionsValidation : IValidateOptions<ProvisioningStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningStorageOptions o)
    {
        if (!o.IsPostgreSql && !o.Storage.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail($"{ProvisioningStorageOptions.StorageKey} must be Sqlite or PostgreSql (got '{o.Storage}')");
        }

        return o.IsPostgreSql && string.IsNullOrWhiteSpace(o.ConnectionString)
            ? ValidateOptionsResult.Fail($"ConnectionStrings:{ProvisioningStorageOptions.ConnectionStringName} is required when {ProvisioningStorageOptions.StorageKey} is PostgreSql")
            : ValidateOptionsResult.Success;
    }
}
