using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace PowerView.Api.Jobs;

/// <summary>
/// ASP.NET Core's Data Protection key ring in Hangfire's PostgreSQL database, so that instances sharing the job storage
/// share the keys too. What they protect with it is the dashboard's antiforgery token (<c>/hangfire</c>'s retry and
/// delete actions): behind a load balancer the page may come from one instance and the POST go to another, which
/// could not read a token made with a key only the first one had (each keeps its own ring in its home folder otherwise).
/// One table in a schema of its own (<c>powerview_jobs</c>), created at first use; keys are only ever added (Data
/// Protection revokes by adding a revocation element, and never deletes).
/// </summary>
internal sealed class SharedKeyRing(string connectionString) : IXmlRepository
{
    private const string Schema = "powerview_jobs";

    private int _created;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = Open();
        using var command = new NpgsqlCommand($"SELECT xml FROM {Schema}.data_protection_keys ORDER BY id", connection);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand($"INSERT INTO {Schema}.data_protection_keys (name, xml) VALUES (@name, @xml)", connection);
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        if (Interlocked.Exchange(ref _created, 1) == 0)
        {
            // Instances starting together take turns (a transaction-level advisory lock), so CREATE … IF NOT EXISTS
            // never races itself.
            using var create = new NpgsqlCommand($"""
                BEGIN;
                SELECT pg_advisory_xact_lock(hashtext('powerview:schema:{Schema}'));
                CREATE SCHEMA IF NOT EXISTS {Schema};
                CREATE TABLE IF NOT EXISTS {Schema}.data_protection_keys (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    name text NOT NULL,
                    xml text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                COMMIT;
                """, connection);
            create.ExecuteNonQuery();
        }

        return connection;
    }
}
