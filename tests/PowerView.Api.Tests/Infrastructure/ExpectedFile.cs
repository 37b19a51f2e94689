using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// What a device file must produce, worked out straight from the contract
/// (docs/ingestion-contract.md) with deliberately plain code: whole-file string splitting, regular
/// expressions and <c>double.Parse</c>. It shares nothing with the engine's streaming byte parser, so the
/// two can disagree, which is the point of comparing them. Local times go through <see cref="LocalWallClock"/>
/// (<see cref="TimeZoneInfo"/> on the host's tzdata; the engine uses NodaTime's embedded TZDB).
/// </summary>
public sealed partial class ExpectedFile
{
    public string? RejectedBecause { get; private init; }

    public IReadOnlyList<ExpectedChannel> Channels { get; private init; } = [];

    /// <summary>Every point in the order it is written (row order, then column order), duplicates included.</summary>
    public IReadOnlyList<ExpectedPoint> Points { get; private init; } = [];

    public long LinesTotal { get; private init; }

    public long RowsIngested { get; private init; }

    public long InvalidTimestamps { get; private init; }

    public long ClockNotSetRows { get; private init; }

    /// <summary>The zone the rows were read in: the header's, or the one given for plain files.</summary>
    public string TimeZone { get; private init; } = "";

    public long InvalidValues { get; private init; }

    public long TruncatedLines { get; private init; }

    /// <summary>What InfluxDB keeps: per channel and timestamp, the last value written.</summary>
    public IReadOnlyDictionary<(string ChannelId, long Epoch), double> LastWins()
    {
        var kept = new Dictionary<(string, long), double>();
        foreach (var p in Points)
        {
            kept[(Channels[p.Channel].ChannelId, p.Epoch)] = p.Value;
        }

        return kept;
    }

    /// <summary>The service's default: rows before this are a logger whose clock was not set.</summary>
    public static readonly DateTimeOffset DefaultEarliestValidTime = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <param name="zone">The zone configured for the file's campaign (the service's default is Europe/Paris); a header's DataTimeSettings overrides it.</param>
    public static ExpectedFile Read(string path, string campaign, string zone = "Europe/Paris", DateTimeOffset? earliestValidTime = null)
    {
        var earliest = (earliestValidTime ?? DefaultEarliestValidTime).ToUnixTimeSeconds();
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        // Split on '\n': when the file ends with one the last piece is empty; otherwise it is the cut line.
        var pieces = text.Split('\n').Select(l => l.EndsWith('\r') ? l[..^1] : l).ToList();
        var lastIsCut = pieces[^1].Length > 0;
        if (!lastIsCut)
        {
            pieces.RemoveAt(pieces.Count - 1);
        }

        var at = 0;
        while (at < pieces.Count && pieces[at].Trim().Length == 0)
        {
            at++;
        }

        if (at >= pieces.Count)
        {
            return new ExpectedFile { RejectedBecause = "empty" };
        }

        JsonElement? header = null;
        var hasHeader = pieces[at].Trim() == "START_HEADER";
        if (hasHeader)
        {
            var end = pieces.FindIndex(at, l => l.Trim() == "END_HEADER");
            header = JsonDocument.Parse(string.Join('\n', pieces.Skip(at + 1).Take(end - at - 1))).RootElement.Clone();
            at = end + 1;
            while (pieces[at].Trim().Length == 0)
            {
                at++;
            }

            Assert.Equal("START_DATA", pieces[at].Trim());
            at++;
        }

        if (at + 1 >= pieces.Count || (lastIsCut && at + 1 == pieces.Count - 1))
        {
            return new ExpectedFile { RejectedBecause = "fewer than two complete format lines" };
        }

        // Contract §3: a non-empty DataTimeSettings decides (UTC, or local time in TimeZoneName); otherwise the configured zone.
        var settings = header?.TryGetProperty("DataTimeSettings", out var s) == true ? s.GetString()?.Trim() : null;
        if (!string.IsNullOrEmpty(settings))
        {
            zone = settings.Equals("UTC", StringComparison.OrdinalIgnoreCase) ? "UTC" : header!.Value.GetProperty("TimeZoneName").GetString()!;
        }

        var clock = new LocalWallClock(zone);

        var masterType = header?.TryGetProperty("MasterType", out var m) == true ? m.GetString() : null;
        var lineA = pieces[at].Split('\t').ToList();
        while (lineA.Count > 1 && lineA[^1].Trim().Length == 0)
        {
            lineA.RemoveAt(lineA.Count - 1);
        }

        var lineB = pieces[at + 1].Split('\t');
        var channels = MapChannels(lineA, lineB, masterType, campaign);
        var data = pieces.Skip(at + 2).Select((line, i) => (line, cut: lastIsCut && at + 2 + i == pieces.Count - 1)).ToList();
        if (hasHeader)
        {
            var endData = data.FindIndex(d => d.line.Trim(' ', '\t') == "END_DATA");
            if (endData >= 0)
            {
                data = data.Take(endData).ToList();
            }
        }

        var points = new List<ExpectedPoint>();
        long total = 0, rows = 0, badTimes = 0, notSet = 0, badValues = 0, cut = 0;
        foreach (var (line, isCut) in data)
        {
            if (line.Trim(' ', '\t').Length == 0)
            {
                continue;
            }

            total++;
            if (isCut)
            {
                cut++;
                continue;
            }

            var cells = line.Split('\t');
            if (!TryWallClock(cells[0], out var wall))
            {
                badTimes++;
                continue;
            }

            var epoch = clock.ToEpoch(wall);
            if (epoch < earliest)
            {
                notSet++;
                continue;
            }

            rows++;
            for (var c = 0; c < channels.Count; c++)
            {
                if (c + 1 < cells.Length && TryValue(cells[c + 1], out var value))
                {
                    points.Add(new ExpectedPoint(c, epoch, value));
                }
                else
                {
                    badValues++;
                }
            }
        }

        return new ExpectedFile
        {
            Channels = channels,
            Points = points,
            LinesTotal = total,
            RowsIngested = rows,
            InvalidTimestamps = badTimes,
            ClockNotSetRows = notSet,
            TimeZone = zone,
            InvalidValues = badValues,
            TruncatedLines = cut,
        };
    }

    private static List<ExpectedChannel> MapChannels(List<string> lineA, string[] lineB, string? masterType, string campaign)
    {
        var master = lineA[0].Trim();
        var tri = masterType is not null
            ? masterType.Equals("tri", StringComparison.OrdinalIgnoreCase)
            : new[] { Phase1(), Phase2(), Phase3() }.All(r => lineB.Skip(1).Any(cell => r.IsMatch(cell.Trim())));
        var counts = new Dictionary<string, int>();
        var channels = new List<ExpectedChannel>();
        for (var i = 1; i < lineA.Count; i++)
        {
            var sn = lineA[i].Trim();
            var k = counts[sn] = counts.GetValueOrDefault(sn) + 1;
            var isMaster = sn == master;
            var voltages = tri ? 3 : 1;
            var label = !isMaster ? $"Ch{k}" : k <= voltages ? $"U{k}" : $"Ch{k - voltages}";
            var cell = lineB[i];
            var space = cell.LastIndexOf(' ');
            var name = (space < 0 ? cell : cell[..space]).Trim();
            var unit = space < 0 ? "" : cell[(space + 1)..].Trim();
            var id = isMaster ? $"M{master}_{label}" : $"M{master}_S{sn}_{label}";
            var tags = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["campaign"] = campaign,
                ["channel_id"] = id,
                ["channel_label"] = label,
                ["channel_name"] = name,
                ["device"] = "MV2",
                ["device_master_sn"] = master,
                ["device_sn"] = sn,
                ["device_type"] = isMaster ? "master" : "slave",
            };
            if (unit.Length > 0)
            {
                tags["channel_unit"] = unit;
            }

            if (isMaster)
            {
                tags["device_subtype"] = tri ? "tri" : "mono";
            }

            channels.Add(new ExpectedChannel(id, $"{id}_{unit}", tags));
        }

        return channels;
    }

    private static bool TryWallClock(string cell, out DateTime wall)
    {
        wall = default;
        var match = Timestamp().Match(cell);
        if (!match.Success)
        {
            return false;
        }

        int N(int group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        var year = N(3) <= 68 ? 2000 + N(3) : 1900 + N(3);
        try
        {
            wall = new DateTime(year, N(2), N(1), N(4), N(5), N(6), DateTimeKind.Unspecified);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false; // 31/02, 25:00:00…
        }
    }

    private static bool TryValue(string cell, out double value)
    {
        value = 0;
        return Number().IsMatch(cell)
            && double.TryParse(cell.Trim(' '), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    [GeneratedRegex(@"^ *([0-9]{1,2})/([0-9]{1,2})/([0-9]{2}) +([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}) *$")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"^ *[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)? *$")]
    private static partial Regex Number();

    [GeneratedRegex(@"^Ph\s*1\b")]
    private static partial Regex Phase1();

    [GeneratedRegex(@"^Ph\s*2\b")]
    private static partial Regex Phase2();

    [GeneratedRegex(@"^Ph\s*3\b")]
    private static partial Regex Phase3();
}

/// <param name="Tags">Every tag the channel's points carry (channel_unit and device_subtype only when they apply).</param>
public sealed record ExpectedChannel(string ChannelId, string FieldKey, IReadOnlyDictionary<string, string> Tags);

/// <param name="Channel">Index into <see cref="ExpectedFile.Channels"/>.</param>
public readonly record struct ExpectedPoint(int Channel, long Epoch, double Value);
