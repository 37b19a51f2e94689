namespace PowerView.Api.Runs.Storage;

internal sealed partial class SqliteRunStore
{
    /// <summary>Rows deleted per transaction: short enough that a run being recorded never waits long for the writer.</summary>
    internal const int DeleteBatchSize = 1000;

    public async Task<int> DeleteRunsStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            // One batch per turn of the writer lock, so jobs recording runs interleave with a long purge
            // (a year of runs at first start with a shorter retention) instead of waiting for all of it.
            await _writer.WaitAsync(cancellationToken);
            int deleted;
            try
            {
                await using var db = Open();
                await using var command = db.CreateCommand();
                // Walks ix_runs_started from the oldest run.
                command.CommandText = "DELETE FROM runs WHERE rowid IN (SELECT rowid FROM runs WHERE started_at < @cutoff ORDER BY started_at LIMIT @batch)";
                command.Parameters.AddWithValue("@cutoff", cutoff.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("@batch", DeleteBatchSize);
                deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                _writer.Release();
            }

            total += deleted;
            if (deleted < DeleteBatchSize)
            {
                return total;
            }
        }
    }
}
