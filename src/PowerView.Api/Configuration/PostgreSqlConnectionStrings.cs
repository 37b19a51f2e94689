using System.Data.Common;
using Npgsql;

namespace PowerView.Api.Configuration;

/// <summary>
/// The defaults this service's PostgreSQL connections take unless the connection string sets them itself. Measured on
/// the two-core machine (docs/performance.md): with them PostgreSQL spends half the CPU per ingested file, and
/// files per second rise by half.
/// </summary>
internal static class PostgreSqlConnectionStrings
{
    /// <summary>
    /// <c>Max Auto Prepare</c>: the statements are a fixed set (Hangfire's and the run store's), run thousands of times, so
    /// Npgsql prepares the frequent ones on each connection and PostgreSQL stops parsing and planning them anew.
    /// <c>No Reset On Close</c>: no pooled connection carries session state from one use to the next (settings are
    /// per transaction, session advisory locks are held on connections of their own), so Npgsql need not send
    /// <c>DISCARD ALL</c> each time one goes back to the pool, which would also drop the prepared statements.
    /// </summary>
    public static NpgsqlConnectionStringBuilder WithServiceDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 50;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder;
    }
}
