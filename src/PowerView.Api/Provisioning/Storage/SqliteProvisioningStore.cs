using System.Data.Common;
using Microsoft.Data.Sqlite;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting.Storage;

namespace PowerView.Api.Provisioning.Storage;

/// <summary>
/// The provisioning store in <c>&lt;StateDir&gt;/provisioning.db</c>: a file of its own beside the run store's
/// <c>runs.db</c> (each file's <c>PRAGMA user_version</c> is its own migration version), WAL so the API reads while
/// a job writes, and the CLI may open it at the same time as the service.
/// </summary>
internal sealed class SqliteProvisioningStore : ProvisioningStore, IDisposable
{
    private readonly string _connectionString;
    private readonly ILogger<SqliteProvisioningStore> _log;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public SqliteProvisioningStore(PowerViewPaths paths, ILogger<SqliteProvisioningStore> log)
    {
        File = paths.ProvisioningStoreFile();
        _log = log;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = File,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string File { get; }

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _writer.Dispose();
    }

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        await using var db = (SqliteConnection)await OpenAsync(cancellationToken);
        await using (var wal = db.CreateCommand())
        {
            // Kept in the file; SQLite refuses to change it inside a transaction, so it comes before the migrations.
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await SqliteMigrations.ApplyAsync(db, ProvisioningStoreSchema.Sqlite, $"the provisioning store {File}", _log, cancellationToken);
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    protected override object ToDb(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    // SQLite has one writer: the process's writes queue here rather than in SQLite's busy handler, which sleeps.
    protected override async Task<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        return new Released(_writer);
    }

    private sealed class Released(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
