using System.Data;
using Dapper;

namespace PowerView.Api.Runs.Storage;

/// <summary>
/// How Dapper reads a stored time into the answers' <see cref="DateTimeOffset"/> properties, whichever store it comes
/// from: SQLite keeps epoch milliseconds (INTEGER), Npgsql hands back <c>timestamptz</c> as a UTC <see cref="DateTime"/>.
/// Dapper's type handlers are process-wide (one per type), so one handler serves both stores.
/// </summary>
internal static class StoredTimes
{
    private static int _registered;

    /// <summary>Registered once, whatever the number of stores.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            SqlMapper.AddTypeHandler(new Handler());
        }
    }

    private sealed class Handler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => value switch
        {
            long ms => DateTimeOffset.FromUnixTimeMilliseconds(ms),
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            DateTimeOffset time => time,
            _ => DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        };

        // Only SQLite's queries could hand Dapper a DateTimeOffset parameter (they pass epoch milliseconds themselves);
        // the PostgreSQL store passes UTC DateTimes, which Dapper sends without this handler.
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUnixTimeMilliseconds();
    }
}
