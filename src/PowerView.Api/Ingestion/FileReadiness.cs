using System.Text;
using PowerView.Api.Configuration;

namespace PowerView.Api.Ingestion;

/// <summary>
/// Contract §5: a file that got no upload event is taken once it has not changed for
/// <c>Ingestion:SettleSeconds</c> when it looks complete, or <c>Ingestion:IncompleteGraceSeconds</c>
/// when it looks incomplete (empty, a last line without newline, or a header block without END_DATA).
/// Only the first and last few kilobytes are read.
/// </summary>
internal static class FileReadiness
{
    private const int Probe = 4096;

    /// <returns>null when the file may be ingested now, else why it waits.</returns>
    public static string? WhyNotReady(string path, DateTimeOffset now, IngestionOptions options)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return "the file is gone";
        }

        var complete = LooksComplete(info, out var incompleteReason);
        return Verdict(complete, incompleteReason, info.LastWriteTimeUtc, now, options);
    }

    /// <summary>The same check on a file the caller already holds open (the pipeline's exclusive lock forbids a
    /// second open of the file in this process); the stream is put back at its start.</summary>
    public static string? WhyNotReady(FileStream stream, DateTimeOffset now, IngestionOptions options)
    {
        var complete = LooksComplete(stream, out var incompleteReason);
        stream.Position = 0;
        return Verdict(complete, incompleteReason, File.GetLastWriteTimeUtc(stream.Name), now, options);
    }

    private static string? Verdict(bool complete, string? incompleteReason, DateTime lastWriteUtc, DateTimeOffset now, IngestionOptions options)
    {
        var age = now - new DateTimeOffset(lastWriteUtc, TimeSpan.Zero);
        var wait = TimeSpan.FromSeconds(complete ? options.SettleSeconds : options.IncompleteGraceSeconds);
        if (age >= wait)
        {
            return null;
        }

        return complete
            ? $"modified {age.TotalSeconds:0}s ago; taken after {wait.TotalSeconds:0}s without change"
            : $"{incompleteReason}; taken after {wait.TotalSeconds:0}s without change";
    }

    public static bool LooksComplete(FileInfo info, out string? reason)
    {
        if (info.Length == 0)
        {
            reason = "the file is empty";
            return false;
        }

        using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return LooksComplete(stream, out reason);
    }

    private static bool LooksComplete(Stream stream, out string? reason)
    {
        reason = null;
        var length = stream.Length;
        if (length == 0)
        {
            reason = "the file is empty";
            return false;
        }

        stream.Position = 0;
        var head = new byte[(int)Math.Min(Probe, length)];
        stream.ReadExactly(head);
        var tail = head;
        if (length > Probe)
        {
            tail = new byte[Probe];
            stream.Seek(-Probe, SeekOrigin.End);
            stream.ReadExactly(tail);
        }

        if (tail[^1] != (byte)'\n')
        {
            reason = "its last line has no line end";
            return false;
        }

        var first = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', '\r', '\n', ' ', '\t');
        if (first.StartsWith("START_HEADER", StringComparison.Ordinal))
        {
            var lastLine = Encoding.UTF8.GetString(tail).TrimEnd('\r', '\n', ' ', '\t');
            lastLine = lastLine[(lastLine.LastIndexOf('\n') + 1)..].Trim();
            if (lastLine != "END_DATA")
            {
                reason = "it has a header block but no END_DATA line yet";
                return false;
            }
        }

        return true;
    }
}
