using System.Buffers;

namespace PowerView.Api.Ingestion.Tsv;

/// <summary>
/// Reads a stream line by line as raw UTF-8 bytes, without decoding and without allocating per line.
/// It tells whether each line was terminated by '\n': the contract never ingests a final line without
/// one (an interrupted upload can cut the last number short).
/// </summary>
internal sealed class LineReader : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private bool _firstLine = true;

    public LineReader(Stream stream, int maxLineBytes = 4 * 1024 * 1024)
    {
        _stream = stream;
        _maxLineBytes = maxLineBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// Returns the next line without its '\n' and without a trailing '\r' (CRLF files).
    /// <paramref name="terminated"/> is false only for a last line that has no '\n'.
    /// </summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out bool terminated)
    {
        var searchFrom = _start;
        while (true)
        {
            var newline = _buffer.AsSpan(searchFrom, _end - searchFrom).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var lineEnd = searchFrom + newline;
                line = Trim(_buffer.AsSpan(_start, lineEnd - _start));
                _start = lineEnd + 1;
                terminated = true;
                LineNumber++;
                return true;
            }

            searchFrom = _end;
            if (_eof)
            {
                if (_start == _end)
                {
                    line = default;
                    terminated = false;
                    return false;
                }

                line = Trim(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                terminated = false;
                LineNumber++;
                return true;
            }

            var consumed = _start;
            Fill();
            searchFrom -= consumed;
        }
    }

    private ReadOnlySpan<byte> Trim(Span<byte> line)
    {
        if (_firstLine)
        {
            _firstLine = false;
            if (line.StartsWith("\uFEFF"u8))
            {
                line = line[3..];
            }
        }

        return line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
    }

    /// <summary>Moves the unread bytes to the front of the buffer (growing it for long lines) and reads more.</summary>
    private void Fill()
    {
        var pending = _end - _start;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _maxLineBytes)
            {
                throw new InvalidDataException(
                    $"line {LineNumber + 1} is longer than {_maxLineBytes} bytes: this is not a device export");
            }

            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
