using System.Data;
using Dapper;

namespace PowerView.Api.Runs.Storage;

/// <summary>
/// How run values live in SQLite: times as epoch milliseconds (INTEGER, so they sort and compare), enums as their wire
/// names (TEXT). Dapper reads both back straight into the answer records (enums by their name, ignoring case).
/// </summary>
internal static class SqliteTypes
{
    private static int _registered;

    /// <summary>Dapper's type handlers are process-wide: registered once, whatever the number of stores.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            SqlMapper.AddTypeHandler(new EpochMilliseconds());
        }
    }

    /// <summary>A value of <see cref="RunColumns"/> as SQLite stores it.</summary>
    public static object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => time.ToUnixTimeMilliseconds(),
        _ => value,
    };

    private sealed class EpochMilliseconds : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => value switch
        {
            long ms => DateTimeOffset.FromUnixTimeMilliseconds(ms),
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            DateTimeOffset time => time,
            _ => DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        };

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUnixTimeMilliseconds();
    }
}
