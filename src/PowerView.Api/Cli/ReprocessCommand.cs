using System.CommandLine;
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
        command.SetAction((parse, cancellationToken) => CliBatch.RunAsync(buildHost, async batch =>
        {
            var layout = batch.Services.GetRequiredService<DataLayout>();
            foreach (var file in Expand(parse.GetValue(paths)!))
            {
                batch.Report(file, await PutBackAndIngest(file, layout, batch.Pipeline, cancellationToken));
            }
        }));
        return command;
    }

    private static async Task<IngestOutcome> PutBackAndIngest(string file, DataLayout layout, IngestionPipeline pipeline, CancellationToken cancellationToken)
    {
        var folder = Path.GetFileName(Path.GetDirectoryName(file));
        var target = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(file)!)!, Path.GetFileName(file));
        if (folder is not (DataLayout.ErrorFolder or DataLayout.ParsedFolder))
        {
            return IngestOutcome.NotADataFile($"'{file}' is not in an error/ or parsed/ folder");
        }

        // Checked before anything moves: a folder outside the data root is refused as it is.
        if (layout.TryResolveFile(target, out var problem) is null)
        {
            return IngestOutcome.NotADataFile($"'{file}' is not in error/ or parsed/ of a device folder of the data root: {problem}");
        }

        if (File.Exists(target))
        {
            return IngestOutcome.NotADataFile($"'{target}' already exists: the file was left in {folder}/");
        }

        try
        {
            File.Move(file, target, overwrite: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return IngestOutcome.NotADataFile($"'{file}' could not be moved back: {ex.Message}");
        }

        return await pipeline.IngestAsync(target, RunTrigger.Cli, cancellationToken);
    }

    private static IEnumerable<string> Expand(IEnumerable<string> paths) =>
        paths.Select(Path.GetFullPath).SelectMany<string, string>(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p, "*.tsv").Order(StringComparer.Ordinal)
            : [p]);
}
