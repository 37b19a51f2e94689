using System.CommandLine;
using System.Text.Json;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Cli;

/// <summary>
/// <c>reprocess &lt;file or folder&gt;...</c>: puts files from a device's <c>error/</c> (or <c>parsed/</c>)
/// folder back in the device folder and ingests them again — for example after fixing an InfluxDB
/// token that made runs fail. A file whose name is taken in the device folder is left where it is.
/// </summary>
internal static class ReprocessCommand
{
    public static Command Create(Func<Task<IHost?>> buildHost)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Files in <device>/error/ or <device>/parsed/, or those folders themselves.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("reprocess", "Move files from error/ or parsed/ back into their device folder and ingest them again.") { paths };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await buildHost();
            if (host is null)
            {
                return 2;
            }

            var pipeline = host.Services.GetRequiredService<IngestionPipeline>();
            var recorder = host.Services.GetRequiredService<RunRecorder>();
            var time = host.Services.GetRequiredService<TimeProvider>();
            var started = time.GetUtcNow();
            var runs = new List<RunReport>();
            var failures = 0;
            foreach (var file in Expand(parse.GetValue(paths)!))
            {
                IngestOutcome outcome;
                var folder = Path.GetFileName(Path.GetDirectoryName(file));
                var target = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(file)!)!, Path.GetFileName(file));
                if (folder is not (DataLayout.ErrorFolder or DataLayout.ParsedFolder))
                {
                    outcome = IngestOutcome.NotADataFile($"'{file}' is not in an error/ or parsed/ folder");
                }
                else if (File.Exists(target))
                {
                    outcome = IngestOutcome.NotADataFile($"'{target}' already exists: the file was left in {folder}/");
                }
                else
                {
                    try
                    {
                        File.Move(file, target, overwrite: false);
                        outcome = await pipeline.IngestAsync(target, IngestTrigger.Cli, cancellationToken);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        outcome = IngestOutcome.NotADataFile($"'{file}' could not be moved back: {ex.Message}");
                    }
                }

                if (outcome.Report is { } report)
                {
                    runs.Add(report);
                }

                if (outcome.Report?.Status != RunStatus.Success)
                {
                    failures++;
                }

                Console.Out.WriteLine(JsonSerializer.Serialize(CliSummary.From(file, outcome), RunJson.Options));
            }

            await recorder.RecordBatchAsync(runs, started, time.GetUtcNow(), CancellationToken.None);
            await host.StopAsync(CancellationToken.None);
            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    private static IEnumerable<string> Expand(IEnumerable<string> paths) =>
        paths.Select(Path.GetFullPath).SelectMany<string, string>(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p, "*.tsv").Order(StringComparer.Ordinal)
            : [p]);
}
