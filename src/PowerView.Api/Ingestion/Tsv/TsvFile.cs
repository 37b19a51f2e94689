using System.Text;

namespace PowerView.Api.Ingestion.Tsv;

/// <summary>
/// The structure of a device file (contract §1): an optional JSON header block, the two format lines,
/// then data lines, streamed one at a time. The structure decides how the file is read; the marker in
/// line B only selects the format. Anything that prevents reading is a <see cref="FileRejectedException"/>.
/// </summary>
internal sealed class TsvFile : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly LineReader _reader;
    private bool _finished;

    private TsvFile(LineReader reader) => _reader = reader;

    public required TsvFormat Format { get; init; }

    public required FileMetadata Metadata { get; init; }

    public required bool HasHeaderBlock { get; init; }

    public required IReadOnlyList<string> LineA { get; init; }

    public required IReadOnlyList<string> LineB { get; init; }

    /// <summary>Notes about the structure (invalid header JSON, trailing empty cells…).</summary>
    public required List<string> Warnings { get; init; }

    /// <summary>True once a header-block file reached its END_DATA line.</summary>
    public bool SawEndData { get; private set; }

    /// <summary>Number of the physical line last read (1-based).</summary>
    public long LineNumber => _reader.LineNumber;

    public static TsvFile Open(Stream stream, FormatRegistry registry)
    {
        var reader = new LineReader(stream);
        try
        {
            return Open(reader, registry);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private static TsvFile Open(LineReader reader, FormatRegistry registry)
    {
        var warnings = new List<string>();
        string? first;
        bool terminated;
        do
        {
            if (!reader.TryReadLine(out var line, out terminated))
            {
                throw new FileRejectedException("the file is empty: no format lines");
            }

            first = Decode(line, "first line");
        }
        while (first.Trim().Length == 0);

        var metadata = FileMetadata.None;
        var hasHeader = first.Trim() == "START_HEADER";
        string lineAText;
        if (hasHeader)
        {
            var json = new StringBuilder();
            while (true)
            {
                var text = NextLine(reader, "the header block has no END_HEADER line", out terminated);
                if (text.Trim() == "END_HEADER")
                {
                    break;
                }

                json.Append(text).Append('\n');
            }

            metadata = FileMetadata.Parse(json.ToString(), out var jsonWarning);
            if (jsonWarning is not null)
            {
                warnings.Add(jsonWarning);
            }

            string between;
            do
            {
                between = NextLine(reader, "the header block is not followed by START_DATA", out terminated).Trim();
            }
            while (between.Length == 0);

            if (between != "START_DATA")
            {
                throw new FileRejectedException($"expected START_DATA after END_HEADER, found '{Shorten(between)}'");
            }

            lineAText = NextLine(reader, "no format lines after START_DATA", out terminated);
        }
        else
        {
            lineAText = first;
        }

        if (!terminated)
        {
            throw new FileRejectedException("the file ends inside format line A (interrupted upload?)");
        }

        var lineBText = NextLine(reader, "format line B is missing", out terminated);
        if (!terminated)
        {
            throw new FileRejectedException("the file ends inside format line B (interrupted upload?)");
        }

        var lineA = lineAText.Split('\t').ToList();
        var trailing = 0;
        while (lineA.Count > 1 && lineA[^1].Trim().Length == 0)
        {
            lineA.RemoveAt(lineA.Count - 1);
            trailing++;
        }

        if (trailing > 0)
        {
            warnings.Add($"format line A ends with {trailing} empty cell(s); ignored");
        }

        var lineB = lineBText.Split('\t');
        var format = registry.Find(lineB[0].Trim());
        return new TsvFile(reader)
        {
            Format = format,
            Metadata = metadata,
            HasHeaderBlock = hasHeader,
            LineA = lineA,
            LineB = lineB,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// Next data line (blank lines included: the caller skips them). Stops at END_DATA in a file with a
    /// header block; anything after END_DATA is ignored.
    /// </summary>
    public bool TryReadDataLine(out ReadOnlySpan<byte> line, out bool terminated)
    {
        if (_finished || !_reader.TryReadLine(out line, out terminated))
        {
            _finished = true;
            line = default;
            terminated = false;
            return false;
        }

        if (HasHeaderBlock && line.Trim(" \t"u8).SequenceEqual("END_DATA"u8))
        {
            SawEndData = true;
            _finished = true;
            line = default;
            return false;
        }

        return true;
    }

    private static string NextLine(LineReader reader, string missing, out bool terminated)
    {
        if (!reader.TryReadLine(out var line, out terminated))
        {
            throw new FileRejectedException(missing);
        }

        return Decode(line, $"line {reader.LineNumber}");
    }

    private static string Decode(ReadOnlySpan<byte> line, string where)
    {
        try
        {
            return StrictUtf8.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            throw new FileRejectedException($"{where} is not valid UTF-8");
        }
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    public void Dispose() => _reader.Dispose();
}
