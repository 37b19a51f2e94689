using PowerView.Api.Tests.Infrastructure.Servers;

[assembly: AssemblyFixture(typeof(PowerView.Api.Tests.Infrastructure.SharedPostgreSql))]

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// The run store a test's service uses. The run history's tests are written once against this (an abstract test class)
/// and run once per store (a derived class each): embedded SQLite in the test's state folder, or PostgreSQL in a
/// database of its own on the assembly's shared cluster.
/// </summary>
public abstract class RunStoreKind
{
    public static RunStoreKind Sqlite { get; } = new SqliteKind();

    public static RunStoreKind PostgreSql(SharedPostgreSql pg) => new PostgreSqlKind(pg.Server);

    public abstract string Name { get; }

    /// <summary>The settings of a new, empty store (for PostgreSQL a new database): give the same to every host that must share it.</summary>
    public abstract Task<Dictionary<string, string?>> NewStoreAsync();

    /// <summary>A service on a new, empty store, with the test's own settings on top.</summary>
    public async Task<PowerViewApplication> NewAppAsync(
        TempFolder folder, IDictionary<string, string?>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? testServices = null)
    {
        var all = await NewStoreAsync();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new PowerViewApplication(folder, all) { TestServices = testServices };
    }

    public override string ToString() => Name;

    private sealed class SqliteKind : RunStoreKind
    {
        public override string Name => "SQLite";

        // The default store: <StateDir>/runs.db, new with each test's folder.
        public override Task<Dictionary<string, string?>> NewStoreAsync() => Task.FromResult(new Dictionary<string, string?>());
    }

    private sealed class PostgreSqlKind(PostgreSqlServer server) : RunStoreKind
    {
        public override string Name => "PostgreSQL";

        public override async Task<Dictionary<string, string?>> NewStoreAsync()
        {
            server.Require();
            return new Dictionary<string, string?>
            {
                ["Runs:Storage"] = "PostgreSql",
                ["ConnectionStrings:Runs"] = await server.CreateDatabaseAsync(),
            };
        }
    }
}

/// <summary>
/// One throwaway PostgreSQL cluster for every test class that asks for it (an assembly fixture): the run history's
/// test classes each run on it with a database per test. Classes that look into the server's log for their own
/// statements (the job storage tests) keep a cluster of their own.
/// </summary>
public sealed class SharedPostgreSql : IAsyncLifetime
{
    public PostgreSqlServer Server { get; } = new();

    public ValueTask InitializeAsync() => Server.InitializeAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
