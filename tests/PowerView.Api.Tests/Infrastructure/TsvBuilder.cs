using System.Text;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>Builds device files for tests: <c>new TsvBuilder().Serials(...).Columns(...).Row(...).Build()</c>.</summary>
internal sealed class TsvBuilder
{
    private readonly List<string> _header = [];
    private readonly List<string> _rows = [];
    private string _lineA = "02000800\t02000800\t02000800\t02000800";
    private string _lineB = "MV_T302_V002\tPh 1 V\tPh 2 V\tPh 3 V";
    private string _newline = "\n";
    private bool _endData;
    private bool _unterminatedLast;

    public TsvBuilder Serials(params string[] cells)
    {
        _lineA = string.Join('\t', cells);
        return this;
    }

    public TsvBuilder Format(params string[] cells)
    {
        _lineB = string.Join('\t', cells);
        return this;
    }

    /// <summary>A V003-style header block (START_HEADER, JSON, END_HEADER, START_DATA) and END_DATA at the end.</summary>
    public TsvBuilder Header(string json, bool endData = true)
    {
        _header.Clear();
        _header.Add(json);
        _endData = endData;
        return this;
    }

    public TsvBuilder Row(params string[] cells)
    {
        _rows.Add(string.Join('\t', cells));
        return this;
    }

    public TsvBuilder Crlf()
    {
        _newline = "\r\n";
        return this;
    }

    /// <summary>The last line loses its line end (an interrupted upload).</summary>
    public TsvBuilder Unterminated()
    {
        _unterminatedLast = true;
        return this;
    }

    public string Build()
    {
        var lines = new List<string>();
        if (_header.Count > 0)
        {
            lines.Add("START_HEADER");
            lines.AddRange(_header);
            lines.Add("END_HEADER");
            lines.Add("START_DATA");
        }

        lines.Add(_lineA);
        lines.Add(_lineB);
        lines.AddRange(_rows);
        if (_endData)
        {
            lines.Add("END_DATA");
        }

        var text = string.Join(_newline, lines) + _newline;
        return _unterminatedLast ? text[..^_newline.Length] : text;
    }

    public MemoryStream BuildStream() => new(Encoding.UTF8.GetBytes(Build()));
}
