using PowerView.Api.Ingestion;

namespace PowerView.Api.Webhooks;

/// <summary>
/// What an SFTPGo event asks for, from its action and the depth of its path under the data root:
/// a completed upload (or a rename/copy) of <c>&lt;company&gt;/&lt;campaign&gt;/&lt;device&gt;/&lt;file&gt;.tsv</c> is ingested,
/// a mkdir of <c>&lt;company&gt;</c> or <c>&lt;company&gt;/&lt;campaign&gt;</c> is provisioned, everything else is ignored
/// with its reason. Only a body that cannot be understood or a path outside the root is refused.
/// </summary>
internal sealed class HookRouter(DataLayout layout, HookPaths paths, StuckFiles stuck)
{
    public HookDecision Route(SftpGoEvent e)
    {
        var action = e.Action?.Trim().ToLowerInvariant();
        return action switch
        {
            null or "" => new HookDecision.Reject("the body has no 'action'"),
            "upload" => Upload(e),
            // The client wrote a temporary name (WinSCP's .filepart) and renamed it: the target is the finished file.
            "rename" or "copy" => Target(e, action),
            "mkdir" => Mkdir(e),
            _ => new HookDecision.Ignore($"action '{e.Action}' needs no work"),
        };
    }

    private HookDecision Upload(SftpGoEvent e)
    {
        if (paths.Resolve(e.Path, e.VirtualPath, e.Username, "path", out var problem) is not { } relative)
        {
            return new HookDecision.Reject(problem!);
        }

        return e.Status switch
        {
            1 => File(relative, e.FileSize),
            2 => new HookDecision.Ignore("the upload failed (status 2); a file completed later is taken by the sweep", relative),
            3 => new HookDecision.Ignore("the upload exceeded the quota (status 3)", relative),
            null => new HookDecision.Ignore("the event has no 'status', so a complete upload cannot be told from a failed one; the sweep takes the file once it has settled", relative),
            var other => new HookDecision.Ignore($"unknown upload status {other}", relative),
        };
    }

    private HookDecision Target(SftpGoEvent e, string action)
    {
        if (paths.Resolve(e.TargetPath, e.VirtualTargetPath, e.Username, "target_path", out var problem) is not { } relative)
        {
            return new HookDecision.Reject(problem!);
        }

        // A rename's file_size is the file's size too (SFTPGo stats the target); checked the same way.
        return e.Status is null or 1
            ? File(relative, e.FileSize)
            : new HookDecision.Ignore($"the {action} failed (status {e.Status})", relative);
    }

    private HookDecision File(string relative, long? fileSize)
    {
        var name = relative[(relative.LastIndexOf('/') + 1)..];
        if (DataLayout.TemporaryNameReason(name) is { } temporary)
        {
            return new HookDecision.Ignore($"'{name}' is {temporary}", relative);
        }

        if (layout.TryResolveFile(relative, out var problem) is not { } file)
        {
            return new HookDecision.Ignore(problem!, relative);
        }

        if (!System.IO.File.Exists(file.FullPath))
        {
            return new HookDecision.Ignore("the file is no longer there (already processed, renamed or removed)", relative);
        }

        // Never opened: a FIFO, a link or a file with several names stays as it is (listed by /api/files/stranded).
        if (DataFileAccess.WhyRefused(file) is { } refused)
        {
            return new HookDecision.Ignore(refused, relative);
        }

        if (stuck.Find(file) is { } marker)
        {
            return new HookDecision.Ignore(
                $"its run {marker.RunId} could not move it to {marker.Folder}/ ({marker.Reason}): it is not ingested again until it can be moved (the sweep tries)", relative);
        }

        return new HookDecision.Ingest(file, fileSize is > 0 ? fileSize : null);
    }

    private HookDecision Mkdir(SftpGoEvent e)
    {
        if (paths.Resolve(e.Path, e.VirtualPath, e.Username, "path", out var problem) is not { } relative)
        {
            return new HookDecision.Reject(problem!);
        }

        var parts = relative.Split('/');
        if (parts.Any(p => p.StartsWith('.')))
        {
            return new HookDecision.Ignore("a hidden folder", relative);
        }

        return parts.Length switch
        {
            1 => new HookDecision.Provision(parts[0], null, relative),
            2 => new HookDecision.Provision(parts[0], parts[1], relative),
            3 => new HookDecision.Ignore("a device folder: nothing to provision", relative),
            _ => new HookDecision.Ignore($"a folder {parts.Length} levels deep: nothing to provision", relative),
        };
    }
}

/// <summary>The outcome of routing one event.</summary>
internal abstract record HookDecision
{
    /// <param name="FileSize">The size the event said the file has (SFTPGo's <c>file_size</c>), checked by the run.</param>
    public sealed record Ingest(DataFile File, long? FileSize = null) : HookDecision;

    public sealed record Provision(string Company, string? Campaign, string Path) : HookDecision;

    public sealed record Ignore(string Reason, string? Path = null) : HookDecision;

    /// <summary>Answered 400: nothing is touched.</summary>
    public sealed record Reject(string Problem) : HookDecision;
}
