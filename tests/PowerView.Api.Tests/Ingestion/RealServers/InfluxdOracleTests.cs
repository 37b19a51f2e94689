using System.Globalization;
using System.Net;
using System.Text.Json;
using PowerView.Api.Ingestion.Tsv;
using PowerView.Api.Ingestion;
using PowerView.Api.Tests.Infrastructure.Servers;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Ingestion.RealServers;

/// <summary>
/// Every sample file through the real engine (<see cref="TsvIngestor"/>), its line protocol posted to a real
/// influxd 1.6.7, read back with InfluxQL and compared with <see cref="ExpectedFile"/>: every value bit for
/// bit, every tag, every timestamp.
/// </summary>
public sealed class InfluxdOracleTests(InfluxdServer influxd) : RealServerTest(influxd), IClassFixture<InfluxdServer>
{
    /// <summary>Small enough that the larger files go out in several bodies, as they do in production.</summary>
    private const int ChunkLines = 1000;

    public static TheoryData<string> SampleFiles() => new(Samples.All());

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public async Task InfluxdStoresEveryValueOfTheSampleFile(string sample)
    {
        influxd.Require();
        var campaign = sample.Split('/')[0];
        var expected = ExpectedFile.Read(Samples.Path(sample), campaign);
        var bodies = new List<byte[]>();
        FileIngestionResult result;
        await using (var stream = File.OpenRead(Samples.Path(sample)))
        {
            var ingestor = new TsvIngestor(FormatRegistry.Default, ChunkLines);
            var ingest = ingestor.IngestAsync(stream, campaign, deviceFolder: null, IngestorHarness.Paris, (body, _) =>
            {
                bodies.Add(body.ToArray());
                return Task.CompletedTask;
            }, TestContext.Current.CancellationToken);
            if (expected.RejectedBecause is not null)
            {
                // The empty file: the engine refuses it and writes nothing.
                var rejected = await Assert.ThrowsAsync<FileRejectedException>(() => ingest);
                Assert.Contains("empty", rejected.Message, StringComparison.Ordinal);
                Assert.Empty(bodies);
                Output($"{sample}: rejected ({rejected.Message}), 0 values");
                return;
            }

            result = await ingest;
        }

        // The engine's counts agree with the contract read independently.
        Assert.Equal(expected.LinesTotal, result.Counters.LinesTotal);
        Assert.Equal(expected.RowsIngested, result.Counters.RowsIngested);
        Assert.Equal(expected.InvalidTimestamps, result.Counters.InvalidTimestamps);
        Assert.Equal(expected.InvalidValues, result.Counters.InvalidValues);
        Assert.Equal(expected.TruncatedLines, result.Counters.TruncatedLines);
        Assert.Equal(expected.Points.Count, result.Counters.PointsWritten);
        Assert.All(bodies, b => Assert.True(CountLines(b) <= ChunkLines));

        var db = await influxd.CreateDatabaseAsync("oracle");
        foreach (var body in bodies)
        {
            var (status, error) = await influxd.WriteAsync(db, body);
            Assert.True(status == HttpStatusCode.NoContent, $"influxd refused a body of {sample}: {(int)status} {error}");
        }

        var stored = await ReadBackAsync(db);
        var kept = expected.LastWins();
        Assert.Equal(kept.Count, stored.Values.Count);
        foreach (var ((channelId, epoch), value) in kept)
        {
            Assert.True(stored.Values.TryGetValue((channelId, epoch), out var got), $"{sample}: no value for {channelId} at {epoch}");
            Assert.True(BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(got),
                $"{sample}: {channelId} at {epoch}: expected {value:R}, influxd has {got:R}");
        }

        foreach (var channel in expected.Channels.Where(c => kept.Keys.Any(k => k.ChannelId == c.ChannelId)))
        {
            Assert.Equal(channel.Tags, stored.Tags[channel.ChannelId]);
            Assert.Equal(channel.FieldKey, stored.Fields[channel.ChannelId]);
        }

        if (expected.Points.Count == 0)
        {
            // Format lines only: a success with nothing to write.
            Assert.Empty(bodies);
            Assert.Empty(await influxd.QueryAsync(db, "SHOW SERIES"));
        }

        Output($"{sample}: {expected.Points.Count} points written, {kept.Count} values checked bit for bit " +
               $"({expected.Points.Count - kept.Count} overwritten duplicates), {expected.Channels.Count} channels, {bodies.Count} bodies");
    }

    /// <summary>The stored points by (channel_id, time): <c>GROUP BY *</c> gives one series per tag set.</summary>
    private async Task<Stored> ReadBackAsync(string db)
    {
        var stored = new Stored();
        foreach (var series in await influxd.QueryAsync(db, "SELECT * FROM electrical GROUP BY *"))
        {
            // GROUP BY * lists every tag key of the measurement; a key the series does not have comes back empty.
            var tags = series.Tags.Where(t => t.Value.Length > 0).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
            var channelId = tags["channel_id"];
            Assert.False(stored.Tags.ContainsKey(channelId), $"two series for {channelId}");
            stored.Tags[channelId] = tags;
            foreach (var row in series.Rows)
            {
                var epoch = row[0].GetInt64();
                var fields = Enumerable.Range(1, row.Length - 1).Where(i => row[i].ValueKind != JsonValueKind.Null).ToList();
                var field = Assert.Single(fields);
                stored.Fields[channelId] = series.Columns[field];
                // The JSON text is Go's shortest round-trip form: parsing it gives the stored double exactly.
                stored.Values[(channelId, epoch)] = double.Parse(row[field].GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return stored;
    }

    private static int CountLines(byte[] body) => body.Count(b => b == (byte)'\n');

    private sealed class Stored
    {
        public Dictionary<string, Dictionary<string, string>> Tags { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string ChannelId, long Epoch), double> Values { get; } = [];
    }
}
