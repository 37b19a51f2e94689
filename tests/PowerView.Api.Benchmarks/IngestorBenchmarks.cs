using BenchmarkDotNet.Attributes;
using PowerView.Api.Ingestion;
using PowerView.Api.Ingestion.Tsv;

namespace PowerView.Api.Benchmarks;

/// <summary>
/// The hot loop: a 20,000-row, 31-column file (600,000 values) from bytes to line protocol, with a
/// sink that discards the chunks. Divide 600,000 by the mean for values per second; the allocated
/// column shows nothing is allocated per value (only per file and per chunk).
/// </summary>
[MemoryDiagnoser]
public class IngestorBenchmarks
{
    private byte[] _file = [];
    private TsvIngestor _ingestor = null!;

    [Params(20_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _file = DeviceFileGenerator.Build(Rows);
        _ingestor = new TsvIngestor(FormatRegistry.Default, 5000);
    }

    [Benchmark]
    public async Task<long> FileToLineProtocol()
    {
        using var stream = new MemoryStream(_file, writable: false);
        var result = await _ingestor.IngestAsync(stream, "campaign1", "02001171", Throughput.Clock, static (_, _) => Task.CompletedTask, CancellationToken.None);
        return result.Counters.PointsWritten;
    }
}
