namespace PowerView.Api.Runs.Storage;

/// <summary>
/// How run values live in SQLite: times as epoch milliseconds (INTEGER, so they sort and compare), enums as their wire
/// names (TEXT). Dapper reads both back straight into the answer records (times through <see cref="StoredTimes"/>,
/// enums by their name, ignoring case).
/// </summary>
internal static class SqliteTypes
{
    public static void Register() => StoredTimes.Register();

    /// <summary>A value of <see cref="RunColumns"/> as SQLite stores it.</summary>
    public static object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => time.ToUnixTimeMilliseconds(),
        _ => value,
    };
}
