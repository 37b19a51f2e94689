using System.CommandLine;
using Microsoft.Extensions.Options;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Cli;

/// <summary><c>sweep</c>: ingest now every waiting file of the data root that is ready (contract §5), one JSON line each.</summary>
internal static class SweepCommand
{
    public static Command Create(Func<Task<IHost?>> buildHost)
    {
        var command = new Command("sweep", "Ingest every ready .tsv file under the data root (the sweep the service runs periodically).");
        command.SetAction((parse, cancellationToken) => CliBatch.RunAsync(buildHost, async batch =>
        {
            var scanner = batch.Services.GetRequiredService<DataRootScanner>();
            var time = batch.Services.GetRequiredService<TimeProvider>();
            var options = batch.Services.GetRequiredService<IOptions<IngestionOptions>>().Value;
            foreach (var file in scanner.FindWaitingFiles())
            {
                if (FileReadiness.WhyNotReady(file.FullPath, time.GetUtcNow(), options) is null)
                {
                    var outcome = await batch.Pipeline.IngestAsync(file, RunTrigger.Sweep, cancellationToken);
                    batch.Report(file.RelativePath ?? file.FullPath, outcome, RunStatus.Skipped);
                }
            }
        }));
        return command;
    }
}
