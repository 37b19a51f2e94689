using System.Globalization;

namespace PowerView.Api.Benchmarks.Monitoring;

/// <summary>Latency figures in milliseconds (nearest-rank percentiles).</summary>
internal sealed record Percentiles(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static Percentiles Of(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        return new Percentiles(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted[^1], sorted.Average());
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"| {P50:0.00} | {P95:0.00} | {P99:0.00} | {Max:0.00} | {Mean:0.00} |");
}
