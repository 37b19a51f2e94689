using System.Diagnostics;
using Microsoft.Extensions.Options;
using PowerView.Api.Ingestion;
using PowerView.Api.Ingestion.Tsv;

namespace PowerView.Api.Benchmarks;

/// <summary>A quick check without BenchmarkDotNet: values per second and bytes allocated per value, after warm-up.</summary>
internal static class Throughput
{
    /// <summary>The service's defaults: Europe/Paris, rows before 2021 left out.</summary>
    public static readonly ClockSettings Clock = new LocalTimeZones(Options.Create(new IngestionOptions())).For("company1", "campaign1");

    public static async Task<int> RunAsync(int rows)
    {
        var file = DeviceFileGenerator.Build(rows);
        var ingestor = new TsvIngestor(FormatRegistry.Default, 5000);
        long points = 0;
        for (var i = 0; i < 5; i++)
        {
            points = await Once(ingestor, file);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        const int Rounds = 20;
        for (var i = 0; i < Rounds; i++)
        {
            await Once(ingestor, file);
        }

        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var values = points * Rounds;
        // CPU time as well as wall time: on a shared machine the CPU figure is the steadier one.
        Console.WriteLine($"{rows:N0} rows, {points:N0} values per file: {values / clock.Elapsed.TotalSeconds / 1e6:F2} M values/s wall, "
            + $"{values / cpu.TotalSeconds / 1e6:F2} M values/s of CPU, {clock.Elapsed.TotalMilliseconds / Rounds:F1} ms per file, "
            + $"{(double)allocated / values:F3} bytes allocated per value ({allocated / Rounds:N0} bytes per file)");
        return 0;
    }

    private static async Task<long> Once(TsvIngestor ingestor, byte[] file)
    {
        using var stream = new MemoryStream(file, writable: false);
        var result = await ingestor.IngestAsync(stream, "campaign1", "02001171", Clock, static (_, _) => Task.CompletedTask, CancellationToken.None);
        return result.Counters.PointsWritten;
    }
}
