using PowerView.Api.Benchmarks.Monitoring;

// Measurement tools, run in Release: dotnet run -c Release --project tests/PowerView.Api.Benchmarks -- <tool> [options]
return args.FirstOrDefault() switch
{
    "monitoring" => await MonitoringBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: PowerView.Api.Benchmarks <tool> [options]
          monitoring [--runs 100000] [--requests 2000] [--concurrency 4] [--keep]
              seeds the run store, starts the service (Release) on loopback and measures the monitoring API
        """);
    return 2;
}
