using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion.Files;

namespace PowerView.Api.Ingestion;

/// <summary>
/// Files whose run ended (their points written, or refused for good) but that could not be moved to <c>parsed/</c> or
/// <c>error/</c>: a link or a file named like the folder, a folder that is not writable. Left alone they would be
/// ingested again by every sweep, forever. Each gets a marker under <c>&lt;StateDir&gt;/stuck/</c> naming the file as
/// it was (device, inode, size, modification time), its run and why: while the same file is there, no run takes it
/// (the pipeline, the sweep and the hook check), and the sweep only tries the move again, which settles it once the
/// cause is fixed. A new upload under the name is another file: its marker no longer matches and it is ingested.
/// </summary>
internal sealed class StuckFiles(PowerViewPaths paths, DataLayout layout, DataFileAccess access, TimeProvider time, ILogger<StuckFiles> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The marker of this very file (same inode, size and time), or null. A marker of an earlier file of that name is removed.</summary>
    public StuckFile? Find(DataFile file)
    {
        var marker = MarkerPath(file);
        if (!File.Exists(marker))
        {
            return null;
        }

        var stuck = Read(marker);
        var now = DataFileAccess.IdentityOf(file);
        if (stuck is not null && now is { } identity && stuck.Identity == identity)
        {
            return stuck;
        }

        // Gone, or replaced by a new upload: the marker is about a file that is no longer there.
        TryDelete(marker);
        return null;
    }

    /// <summary>Writes the marker (atomically: a reader sees the old one or the new one).</summary>
    /// <returns>null when written, else why not.</returns>
    public string? Mark(DataFile file, FileIdentity identity, string folder, string runId, string reason)
    {
        var stuck = new StuckFile(file.RelativePath!, file.Company, folder, runId, reason, time.GetUtcNow(),
            identity.Device, identity.Inode, identity.Size, identity.ModifiedNs);
        var marker = MarkerPath(file);
        var temporary = marker + ".tmp";
        try
        {
            Directory.CreateDirectory(paths.StuckDir());
            File.WriteAllText(temporary, JsonSerializer.Serialize(stuck, Json));
            File.Move(temporary, marker, overwrite: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            return ex.Message;
        }
    }

    /// <summary>Every marker, oldest first (those of files no longer there are left out).</summary>
    public IReadOnlyList<StuckFile> All()
    {
        if (!Directory.Exists(paths.StuckDir()))
        {
            return [];
        }

        return [.. DataRootScanner.List(() => Directory.EnumerateFiles(paths.StuckDir(), "*.json"))
            .Select(Read).OfType<StuckFile>()
            .Where(s => layout.TryResolveFile(s.Path, out _) is { } file && DataFileAccess.IdentityOf(file) == s.Identity)
            .OrderBy(s => s.Since)];
    }

    /// <summary>
    /// Tries the move again (the sweep does, each time it sees the file): once the cause is fixed the file goes where its
    /// run said and the marker goes. Never reads or ingests the file again.
    /// </summary>
    /// <returns>Where the file went, or null (still stuck, or busy) with why.</returns>
    public string? TrySettle(DataFile file, StuckFile stuck, out string? problem)
    {
        try
        {
            using var opened = access.Open(file, exclusive: true);
            if (opened.Status.Identity != stuck.Identity)
            {
                problem = "the file changed: it is a new upload";
                return null;
            }

            var movedTo = access.MoveInto(opened, stuck.Folder);
            TryDelete(MarkerPath(file));
            log.LogInformation("Moved {File} to {MovedTo}: it could not be moved after its run {RunId} ({Reason})", file.RelativePath, movedTo, stuck.RunId, stuck.Reason);
            problem = null;
            return movedTo;
        }
        catch (Exception ex) when (ex is FileMoveException or DataFileRefusedException or IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return null;
        }
    }

    private string MarkerPath(DataFile file) =>
        Path.Combine(paths.StuckDir(), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(file.RelativePath!))) + ".json");

    private StuckFile? Read(string marker)
    {
        try
        {
            return JsonSerializer.Deserialize<StuckFile>(File.ReadAllText(marker), Json);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            log.LogWarning("Unreadable stuck-file marker {Marker}: {Problem}", marker, ex.Message);
            return null;
        }
    }

    private void TryDelete(string marker)
    {
        try
        {
            File.Delete(marker);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("Could not remove the stuck-file marker {Marker}: {Problem}", marker, ex.Message);
        }
    }
}

/// <summary>A file that could not be moved after its run, and is not ingested again until it can be (<c>/api/files/stuck</c>).</summary>
internal sealed record StuckFile(
    [property: Description("Path relative to the data root.")] string Path,
    [property: Description("The company folder it is under.")] string Company,
    [property: Description("Where its run said it goes: parsed or error.")] string Folder,
    [property: Description("The run that ingested it (/api/runs/{id}).")] string RunId,
    [property: Description("Why it could not be moved.")] string Reason,
    [property: Description("When the move failed.")] DateTimeOffset Since,
    ulong Device,
    ulong Inode,
    long SizeBytes,
    long ModifiedNs)
{
    internal FileIdentity Identity => new(Device, Inode, SizeBytes, ModifiedNs);
}
