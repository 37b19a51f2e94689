using System.CommandLine;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Cli;

/// <summary><c>ingest &lt;file.tsv&gt;... [--company c --campaign k [--device d]]</c></summary>
internal static class IngestCommand
{
    public static Command Create(Func<Task<IHost?>> buildHost)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Device files. Under the data root their place gives company/campaign/device; elsewhere pass --company and --campaign.",
            Arity = ArgumentArity.OneOrMore,
        };
        var company = new Option<string?>("--company") { Description = "Company (bucket) for files outside the data root." };
        var campaign = new Option<string?>("--campaign") { Description = "Campaign for files outside the data root." };
        var device = new Option<string?>("--device") { Description = "Device folder name for files outside the data root (default: the file's folder)." };
        var command = new Command("ingest", "Ingest files now, one JSON summary per file on stdout; exit 1 if any did not succeed.")
        {
            files, company, campaign, device,
        };
        command.SetAction((parse, cancellationToken) => CliBatch.RunAsync(buildHost, async batch =>
        {
            var layout = batch.Services.GetRequiredService<DataLayout>();
            foreach (var path in parse.GetValue(files)!)
            {
                var outcome = await IngestOne(path, layout, batch.Pipeline, parse.GetValue(company), parse.GetValue(campaign), parse.GetValue(device), cancellationToken);
                batch.Report(path, outcome);
            }
        }));
        return command;
    }

    private static Task<IngestOutcome> IngestOne(
        string path, DataLayout layout, IngestionPipeline pipeline, string? company, string? campaign, string? device, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (company is null && campaign is null)
        {
            return pipeline.IngestAsync(full, RunTrigger.Cli, cancellationToken);
        }

        if (company is null || campaign is null)
        {
            return Task.FromResult(IngestOutcome.NotADataFile("--company and --campaign go together"));
        }

        // Explicit names win over the file's place: this is how a file from elsewhere is ingested.
        var file = new DataFile(full, layout.TryRelative(full, out _), company, campaign, device ?? Path.GetFileName(Path.GetDirectoryName(full)) ?? "");
        return pipeline.IngestAsync(file, RunTrigger.Cli, cancellationToken);
    }
}
