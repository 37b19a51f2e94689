using System.Text;

namespace PowerView.Api.Ingestion;

/// <summary>
/// Contract §5: a file that got no upload event is taken once it has not changed for
/// <c>Ingestion:SettleSeconds</c> when it looks complete, or <c>Ingestion:IncompleteGraceSeconds</c>
/// when it looks incomplete (empty, a last line without newline, or a header block without END_DATA).
/// Only the first and last few kilobytes are read.
/// </summary>
internal static class FileReadiness
{
    private const int ProbeBytes = 4096;

    /// <summary>
    /// Opens the file the one way (<see cref="DataFileAccess.Open"/>, a shared lock: it fails while a run holds the file)
    /// and applies the rule. Never throws for the file's sake: a file that cannot be read is a <see cref="ProbeState.Unreadable"/>
    /// answer, so whoever probes many files (the sweep) goes on with the others.
    /// </summary>
    public static Probe Check(DataFileAccess access, DataFile file, DateTimeOffset now, IngestionOptions options)
    {
        try
        {
            using var opened = access.Open(file, exclusive: false);
            var why = WhyNotReady(opened.Stream, opened.LastWriteUtc, now, options, out var at);
            return why is null ? new Probe(ProbeState.Ready) : new Probe(ProbeState.NotReady, why, at);
        }
        catch (FileNotFoundException)
        {
            return new Probe(ProbeState.Gone, "the file is gone");
        }
        catch (FileLockedException)
        {
            return new Probe(ProbeState.Busy, "the file is being processed");
        }
        catch (DataFileRefusedException ex)
        {
            return new Probe(ProbeState.Refused, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Probe(ProbeState.Unreadable, ex.Message);
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
        var head = new byte[(int)Math.Min(ProbeBytes, length)];
        stream.ReadExactly(head);
        var tail = head;
        if (length > ProbeBytes)
        {
            tail = new byte[ProbeBytes];
            stream.Seek(-ProbeBytes, SeekOrigin.End);
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

/// <summary>What a readiness probe found.</summary>
/// <param name="ReadyAt">When a file that is not ready becomes ready if it does not change again.</param>
internal sealed record Probe(ProbeState State, string? Reason = null, DateTimeOffset? ReadyAt = null);

internal enum ProbeState
{
    Ready,
    NotReady,
    Gone,

    /// <summary>A run holds it.</summary>
    Busy,

    /// <summary>Not a data file PowerView reads (a FIFO, a link, several names): it stays as it is.</summary>
    Refused,

    /// <summary>It could not be opened or read (permissions, I/O error).</summary>
    Unreadable,
}
