using BenchmarkDotNet.Attributes;
using PowerView.Api.Ingestion.Tsv;

namespace PowerView.Api.Benchmarks;

/// <summary>Per-cell costs of the two grammars (fast path and general path of the value parser).</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly byte[] _buffer = new byte[ValueParser.MaxFormattedLength];
    private readonly byte[] _typical = "242.25"u8.ToArray();
    private readonly byte[] _exponent = "1.5E-3"u8.ToArray();
    private readonly byte[] _timestamp = "05/01/26 10:00:00"u8.ToArray();

    [Benchmark]
    public bool TypicalValue() => ValueParser.TryParse(_typical, _buffer, out _, out _);

    [Benchmark]
    public bool ExponentValue() => ValueParser.TryParse(_exponent, _buffer, out _, out _);

    [Benchmark]
    public bool Timestamp() => TimestampParser.TryParse(_timestamp, out _);
}
