using System.Data.Common;
using Npgsql;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting.Storage;

namespace PowerView.Api.Provisioning.Storage;

/// <summary>
/// The provisioning store in the run store's PostgreSQL database (<c>Runs:Storage = PostgreSql</c>,
/// <c>ConnectionStrings:Runs</c>), in the schema <see cref="ProvisioningStoreSchema.PostgreSqlSchema"/> of its own:
/// every instance sees the same companies and accepts the same created company keys.
/// </summary>
internal sealed class PostgreSqlProvisioningStore : ProvisioningStore, IDisposable
{
    private readonly NpgsqlDataSource _data;
    private readonly ILogger<PostgreSqlProvisioningStore> _log;

    public PostgreSqlProvisioningStore(Microsoft.Extensions.Options.IOptions<ProvisioningStorageOptions> options, ILogger<PostgreSqlProvisioningStore> log)
    {
        _log = log;
        var builder = PostgreSqlConnectionStrings.WithServiceDefaults(options.Value.ConnectionString!);
        // Every statement is unqualified, as SQLite's are.
        builder.SearchPath = ProvisioningStoreSchema.PostgreSqlSchema;
        builder.ApplicationName ??= "PowerView.Api";
        Description = $"the provisioning store {ProvisioningStoreSchema.PostgreSqlSchema} in database {builder.Database} on {builder.Host}";
        _data = NpgsqlDataSource.Create(builder);
    }

    /// <summary>Schema, database and host, for messages (never the password).</summary>
    public string Description { get; }

    public void Dispose() => _data.Dispose();

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var db = await _data.OpenConnectionAsync(cancellationToken);
        await PostgreSqlMigrations.ApplyAsync(db, ProvisioningStoreSchema.PostgreSqlSchema, ProvisioningStoreSchema.PostgreSql, Description, _log, cancellationToken);
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _data.OpenConnectionAsync(cancellationToken);

    // timestamptz takes UTC only.
    protected override object ToDb(DateTimeOffset time) => time.ToUniversalTime();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);
}
