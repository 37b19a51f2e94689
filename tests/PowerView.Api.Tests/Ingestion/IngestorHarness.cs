using System.Text;
using PowerView.Api.Ingestion;
using PowerView.Api.Ingestion.Tsv;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>Runs TsvIngestor on a string and gives back the result and the lines, parsed.</summary>
internal static class IngestorHarness
{
    /// <summary>What the service does for a campaign without a zone of its own: Europe/Paris, rows before 2021 left out.</summary>
    public static ClockSettings Paris { get; } = Clock("Europe/Paris");

    public static ClockSettings Clock(string zone, DateTimeOffset? earliestValidTime = null) =>
        new(LocalTimeZones.Find(zone) ?? throw new ArgumentException($"unknown zone {zone}", nameof(zone)), "test",
            (earliestValidTime ?? ExpectedFile.DefaultEarliestValidTime).ToUnixTimeSeconds());

    public static async Task<(FileIngestionResult Result, List<LineProtocolLine> Lines)> RunAsync(
        string content, string campaign = "site1", string? deviceFolder = null, int chunkLines = 5000, ClockSettings? clock = null)
    {
        var writer = new CapturingWriter();
        var ingestor = new TsvIngestor(FormatRegistry.Default, chunkLines);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        var result = await ingestor.IngestAsync(stream, campaign, deviceFolder, clock ?? Paris, writer.Write, TestContext.Current.CancellationToken);
        return (result, writer.Lines.Select(LineProtocolLine.Parse).ToList());
    }

    public static async Task<string> RejectionAsync(string content)
    {
        var ex = await Assert.ThrowsAsync<FileRejectedException>(() => RunAsync(content));
        return ex.Message;
    }
}
