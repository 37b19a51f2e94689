using System.Diagnostics;
using BenchmarkDotNet.Running;
using PowerView.Api.Benchmarks;
using PowerView.Api.Benchmarks.Monitoring;

// dotnet run -c Release --project tests/PowerView.Api.Benchmarks -- generate <rows> <file.tsv>
// dotnet run -c Release --project tests/PowerView.Api.Benchmarks -- throughput [rows]
// dotnet run -c Release --project tests/PowerView.Api.Benchmarks -- bdn [BenchmarkDotNet args, e.g. --filter *Ingestor*]
// dotnet run -c Release --project tests/PowerView.Api.Benchmarks -- monitoring [--runs 100000] [--requests 2000] [--concurrency 4] [--keep] [--store sqlite|postgresql --connection "Host=…;Database=…"]
switch (args.FirstOrDefault())
{
    case "generate" when args.Length == 3:
        DeviceFileGenerator.Write(args[2], int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
        Console.WriteLine($"{args[2]}: {new FileInfo(args[2]).Length:N0} bytes");
        return 0;
    case "throughput":
        return await Throughput.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000);
    case "bdn":
        BenchmarkSwitcher.FromAssembly(typeof(IngestorBenchmarks).Assembly).Run(args[1..]);
        return 0;
    case "monitoring":
        // Seeds a run store, starts the service on loopback and measures the monitoring API (docs/performance.md).
        return await MonitoringBenchmark.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("usage: generate <rows> <file.tsv> | throughput [rows] | bdn [BenchmarkDotNet arguments] | monitoring [--runs n] [--requests n] [--concurrency n] [--keep] [--store sqlite|postgresql --connection cs]");
        return 2;
}
