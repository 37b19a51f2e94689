using System.CommandLine;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Cli;

/// <summary>
/// <c>ingest &lt;file.tsv&gt;... [--company c --campaign k [--device d]]</c>. A device file of the data root is ingested where
/// it is (and moves to <c>parsed/</c> or <c>error/</c>, as with an upload). A file from elsewhere is never moved: with
/// <c>--company</c> and <c>--campaign</c> it is copied into <c>&lt;DataRoot&gt;/&lt;company&gt;/&lt;campaign&gt;/&lt;device&gt;/</c> and
/// ingested from there, so the data root keeps it with its run like any upload; the original stays as it was.
/// </summary>
internal static class IngestCommand
{
    public static Command Create(Func<Task<IHost?>> buildHost)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Device files. Under the data root their place gives company/campaign/device; a file from elsewhere needs --company and --campaign.",
            Arity = ArgumentArity.OneOrMore,
        };
        var company = new Option<string?>("--company") { Description = "Company (bucket) of a file from elsewhere: it is copied into the data root, never moved." };
        var campaign = new Option<string?>("--campaign") { Description = "Campaign of a file from elsewhere." };
        var device = new Option<string?>("--device") { Description = "Device folder of a file from elsewhere (default: the master serial number written in the file)." };
        var command = new Command("ingest", "Ingest files now, one JSON summary per file on stdout; exit 1 if any did not succeed.")
        {
            files, company, campaign, device,
        };
        command.SetAction((parse, cancellationToken) => CliBatch.RunAsync(buildHost, async batch =>
        {
            var layout = batch.Services.GetRequiredService<DataLayout>();
            foreach (var path in parse.GetValue(files)!)
            {
                var place = Place(path, layout, parse.GetValue(company), parse.GetValue(campaign), parse.GetValue(device));
                var outcome = place.File is { } file
                    ? await batch.Pipeline.IngestAsync(file, RunTrigger.Cli, cancellationToken)
                    : IngestOutcome.NotADataFile(place.Problem!);
                batch.Report(path, outcome);
            }
        }));
        return command;
    }

    private static (DataFile? File, string? Problem) Place(string path, DataLayout layout, string? company, string? campaign, string? device)
    {
        var full = Path.GetFullPath(path);
        if (company is null && campaign is null && device is null)
        {
            return layout.TryResolveFile(full, out var problem) is { } file
                ? (file, null)
                : (null, $"{problem}; to ingest a file from elsewhere pass --company and --campaign (and --device, default the file's master serial number): it is copied into the data root and the original stays where it is");
        }

        if (company is null || campaign is null)
        {
            return (null, "--company and --campaign go together (--device is optional)");
        }

        if (!File.Exists(full))
        {
            return (null, $"'{full}' does not exist");
        }

        device ??= DeviceFiles.MasterSerial(full);
        if (device is null)
        {
            return (null, $"the master serial number cannot be read from '{full}': pass --device");
        }

        if (layout.TryResolveFile($"{company}/{campaign}/{device}/{Path.GetFileName(full)}", out var refused) is not { } target)
        {
            return (null, refused);
        }

        return target.FullPath == full ? (target, null) : DeviceFiles.CopyInto(full, target);
    }
}
