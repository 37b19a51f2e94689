using System.Buffers;

namespace PowerView.Api.Ingestion.LineProtocol;

/// <summary>
/// A body of line-protocol lines being built in one reusable UTF-8 buffer. Appending a point copies
/// three ready-made byte runs (the channel's key, the value's text, the row's timestamp): nothing is
/// allocated per value.
/// </summary>
internal sealed class LineProtocolChunk : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public LineProtocolChunk(int initialBytes = 256 * 1024) => _buffer = ArrayPool<byte>.Shared.Rent(initialBytes);

    public int Lines { get; private set; }

    public int Length => _length;

    public ReadOnlyMemory<byte> Body => _buffer.AsMemory(0, _length);

    /// <summary>Appends <c>prefix + value + ' ' + timestamp + '\n'</c>; the prefix ends with the field key and '='.</summary>
    public void AppendPoint(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> value, ReadOnlySpan<byte> timestamp)
    {
        var needed = prefix.Length + value.Length + timestamp.Length + 2;
        if (_length + needed > _buffer.Length)
        {
            Grow(needed);
        }

        var span = _buffer.AsSpan(_length);
        prefix.CopyTo(span);
        var n = prefix.Length;
        value.CopyTo(span[n..]);
        n += value.Length;
        span[n++] = (byte)' ';
        timestamp.CopyTo(span[n..]);
        n += timestamp.Length;
        span[n++] = (byte)'\n';
        _length += n;
        Lines++;
    }

    /// <summary>Appends one complete line (the newline is added).</summary>
    public void AppendLine(ReadOnlySpan<byte> line)
    {
        if (_length + line.Length + 1 > _buffer.Length)
        {
            Grow(line.Length + 1);
        }

        line.CopyTo(_buffer.AsSpan(_length));
        _length += line.Length;
        _buffer[_length++] = (byte)'\n';
        Lines++;
    }

    public void Clear()
    {
        _length = 0;
        Lines = 0;
    }

    private void Grow(int needed)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
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
