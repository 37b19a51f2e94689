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
            var access = batch.Services.GetRequiredService<DataFileAccess>();
            foreach (var file in scanner.FindWaitingFiles())
            {
                // Probed the one way: a file that cannot be read is reported and the sweep goes on with the others.
                var probe = FileReadiness.Check(access, file, time.GetUtcNow(), options);
                if (probe.State == ProbeState.Ready)
                {
                    var outcome = await batch.Pipeline.IngestAsync(file, RunTrigger.Sweep, cancellationToken);
                    batch.Report(file.RelativePath ?? file.FullPath, outcome, RunStatus.Skipped);
                }
                else if (probe.State is ProbeState.Unreadable or ProbeState.Refused)
                {
                    batch.Report(file.RelativePath ?? file.FullPath, IngestOutcome.NotADataFile(probe.Reason!));
                }
            }
        }));
        return command;
    }
}
