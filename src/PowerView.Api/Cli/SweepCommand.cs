using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Cli;

/// <summary><c>sweep</c>: ingest now every waiting file of the data root that is ready (contract §5), one JSON line each.</summary>
internal static class SweepCommand
{
    public static Command Create(Func<Task<IHost?>> buildHost)
    {
        var command = new Command("sweep", "Ingest every ready .tsv file under the data root (the sweep the service runs periodically).");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await buildHost();
            if (host is null)
            {
                return 2;
            }

            var scanner = new DataRootScanner(host.Services.GetRequiredService<DataLayout>());
            var pipeline = host.Services.GetRequiredService<IngestionPipeline>();
            var recorder = host.Services.GetRequiredService<RunRecorder>();
            var time = host.Services.GetRequiredService<TimeProvider>();
            var options = host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value;
            var started = time.GetUtcNow();
            var runs = new List<RunReport>();
            foreach (var file in scanner.FindWaitingFiles())
            {
                if (FileReadiness.WhyNotReady(file.FullPath, time.GetUtcNow(), options) is not null)
                {
                    continue;
                }

                var outcome = await pipeline.IngestAsync(file, IngestTrigger.Sweep, cancellationToken);
                if (outcome.Report is { } report)
                {
                    runs.Add(report);
                }

                Console.Out.WriteLine(JsonSerializer.Serialize(CliSummary.From(file.RelativePath ?? file.FullPath, outcome), RunJson.Options));
            }

            await recorder.RecordBatchAsync(runs, started, time.GetUtcNow(), CancellationToken.None);
            await host.StopAsync(CancellationToken.None);
            return runs.All(r => r.Status is RunStatus.Success or RunStatus.Skipped) ? 0 : 1;
        });
        return command;
    }
}
