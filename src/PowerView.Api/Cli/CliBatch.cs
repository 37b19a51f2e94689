using System.Text.Json;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Cli;

/// <summary>
/// One CLI call over several files: prints one JSON summary per file on stdout, writes the batch's
/// <c>tsv_parser_run</c> point at the end, and gives the exit code (0 when every file succeeded).
/// </summary>
internal sealed class CliBatch
{
    private readonly IHost _host;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _started;
    private readonly List<RunRecord> _runs = [];
    private int _failures;

    private CliBatch(IHost host)
    {
        _host = host;
        _time = host.Services.GetRequiredService<TimeProvider>();
        _started = _time.GetUtcNow();
    }

    public IServiceProvider Services => _host.Services;

    public IngestionPipeline Pipeline => Services.GetRequiredService<IngestionPipeline>();

    /// <summary>Builds the host, runs <paramref name="body"/>, records the batch and stops: exit 2 when the configuration is invalid.</summary>
    public static async Task<int> RunAsync(Func<Task<IHost?>> buildHost, Func<CliBatch, Task> body)
    {
        using var host = await buildHost();
        if (host is null)
        {
            return 2;
        }

        var batch = new CliBatch(host);
        await body(batch);
        await host.Services.GetRequiredService<MetaPointWriter>().WriteBatchAsync(batch._runs, batch._started, batch._time.GetUtcNow(), CancellationToken.None);
        await host.StopAsync(CancellationToken.None);
        return batch._failures == 0 ? 0 : 1;
    }

    /// <param name="acceptable">Statuses that do not make the call fail (a sweep may leave a file for later).</param>
    public void Report(string file, IngestOutcome outcome, params RunStatus[] acceptable)
    {
        if (outcome.Run is { } run)
        {
            _runs.Add(run);
        }

        if (outcome.Run?.Status is not { } status || (status != RunStatus.Success && !acceptable.Contains(status)))
        {
            _failures++;
        }

        Console.Out.WriteLine(JsonSerializer.Serialize(CliSummary.From(file, outcome), CliJson.Line));
    }
}
