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
    public static string? WhyNotReady(string path, DateTimeOffset now, IngestionOptions options) =>
        WhyNotReady(path, now, options, out _);

    /// <param name="readyAt">When the file becomes ready if it does not change again (null when it is gone or locked).</param>
    public static string? WhyNotReady(string path, DateTimeOffset now, IngestionOptions options, out DateTimeOffset? readyAt)
    {
        readyAt = null;
        try
        {
            // FileShare.ReadWrite takes a shared lock: it fails while a run holds the file exclusively.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var why = WhyNotReady(stream, File.GetLastWriteTimeUtc(path), now, options, out var at);
            readyAt = at;
            return why;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return "the file is gone";
        }
        catch (IOException)
        {
            return "the file is being processed";
        }
    }

    /// <summary>The same check on a file the caller already holds open (the stream position is restored).</summary>
    public static string? WhyNotReady(Stream stream, DateTime lastWriteUtc, DateTimeOffset now, IngestionOptions options) =>
        WhyNotReady(stream, lastWriteUtc, now, options, out _);

    private static string? WhyNotReady(Stream stream, DateTime lastWriteUtc, DateTimeOffset now, IngestionOptions options, out DateTimeOffset readyAt)
    {
        var position = stream.Position;
        var complete = LooksComplete(stream, out var incompleteReason);
        stream.Position = position;
        var modified = new DateTimeOffset(lastWriteUtc, TimeSpan.Zero);
        var age = now - modified;
        var wait = TimeSpan.FromSeconds(complete ? options.SettleSeconds : options.IncompleteGraceSeconds);
        readyAt = modified + wait;
        if (age >= wait)
        {
            return null;
        }

        return complete
            ? $"modified {age.TotalSeconds:0}s ago; taken after {wait.TotalSeconds:0}s without change"
            : $"{incompleteReason}; taken after {wait.TotalSeconds:0}s without change";
    }

    public static bool LooksComplete(Stream stream, out string? reason)
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
