using System.Buffers.Text;
using System.Text;
using PowerView.Api.Ingestion.LineProtocol;
using PowerView.Api.Ingestion.Tsv;
using PowerView.Api.Runs;

namespace PowerView.Api.Ingestion;

/// <summary>
/// Reads one device file and turns it into line protocol, streaming: rows are read one at a time and
/// points go out in chunks of <c>chunkLines</c> lines, so memory stays flat whatever the file size.
/// While one chunk is being sent the next one is filled (two buffers).
/// </summary>
internal sealed class TsvIngestor(FormatRegistry formats, int chunkLines)
{
    private const int MaxDetailedWarnings = 20;

    /// <summary>Sends one chunk (a body of whole lines) to the sink.</summary>
    public delegate Task ChunkWriter(ReadOnlyMemory<byte> body, CancellationToken cancellationToken);

    /// <param name="campaign">Campaign folder name (tag <c>campaign</c>).</param>
    /// <param name="deviceFolder">Device folder name, compared with the file's master serial number.</param>
    /// <param name="clockSettings">The zone of the file's company and campaign and the earliest valid time (<see cref="LocalTimeZones"/>).</param>
    /// <param name="progress">What the sink has acknowledged so far: when a write fails half-way, the run still says what was written.</param>
    public async Task<FileIngestionResult> IngestAsync(
        Stream stream, string campaign, string? deviceFolder, ClockSettings clockSettings, ChunkWriter write, CancellationToken cancellationToken,
        IngestProgress? progress = null)
    {
        using var file = TsvFile.Open(stream, formats);
        var warnings = new List<string>(file.Warnings);
        var channels = file.Format.MapChannels(file.LineA, file.LineB, file.Metadata);
        var master = file.LineA[0].Trim();
        if (deviceFolder is not null && deviceFolder != master)
        {
            warnings.Add($"the device folder '{deviceFolder}' differs from the master serial number '{master}' in the file; points are tagged with the file's");
        }

        var prefixes = ElectricalPoint.BuildPrefixes(channels, campaign, master, file.Format.DeviceModel);
        var clock = DeviceClock.For(file.Metadata, clockSettings, warnings);
        var rows = new RowConverter(channels, prefixes, clock, clockSettings.EarliestValidEpoch, warnings);

        using var filling = new LineProtocolChunk();
        using var spare = new LineProtocolChunk();
        var current = filling;
        Task sending = Task.CompletedTask;
        RunCounters? sent = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var more = rows.Fill(file, current, chunkLines);
            if (current.Lines > 0)
            {
                await sending;
                // The previous chunk is acknowledged: the counters as they were when it was filled are what was written.
                progress?.Acknowledge(sent);
                sent = rows.Snapshot(channels.Count);
                sending = write(current.Body, cancellationToken);
                current = ReferenceEquals(current, filling) ? spare : filling;
                current.Clear();
            }

            if (!more)
            {
                break;
            }
        }

        await sending;
        progress?.Acknowledge(sent);
        return rows.Complete(file, master, clock);
    }

    /// <summary>The per-row work, kept synchronous so it can use spans.</summary>
    private sealed class RowConverter(
        IReadOnlyList<Channel> channels, byte[][] prefixes, DeviceClock clock, long earliestValidEpoch, List<string> warnings)
    {
        private long _lines;
        private long _rows;
        private long _invalidTimestamps;
        private long _clockNotSet;
        private long _clockNotSetFirstLine;
        private long _clockNotSetLastLine;
        private long _invalidValues;
        private long _truncated;
        private long _points;
        private readonly long[] _count = new long[channels.Count];
        private readonly double[] _min = new double[channels.Count];
        private readonly double[] _max = new double[channels.Count];
        private readonly double[] _sum = new double[channels.Count];
        private long _first = long.MaxValue;
        private long _last = long.MinValue;
        private int _detailed;

        /// <summary>Converts rows into <paramref name="chunk"/> while the next row fits in <paramref name="chunkLines"/> lines; false at the end of the data.</summary>
        public bool Fill(TsvFile file, LineProtocolChunk chunk, int chunkLines)
        {
            Span<byte> timestamp = stackalloc byte[24];
            Span<byte> value = stackalloc byte[ValueParser.MaxFormattedLength];
            // A row is never split, so a row starts only where all its channels fit: a body holds at most
            // chunkLines lines (or one row, when a row alone has more channels than that).
            while (chunk.Lines == 0 || chunk.Lines + prefixes.Length <= chunkLines)
            {
                if (!file.TryReadDataLine(out var line, out var terminated))
                {
                    return false;
                }

                if (line.Trim(" \t"u8).IsEmpty)
                {
                    continue;
                }

                _lines++;
                if (!terminated)
                {
                    _truncated++;
                    warnings.Add($"line {file.LineNumber} has no line end: an interrupted upload; it was not ingested");
                    continue;
                }

                var tab = line.IndexOf((byte)'\t');
                var cell = tab < 0 ? line : line[..tab];
                if (!TimestampParser.TryParse(cell, out var wallClock))
                {
                    _invalidTimestamps++;
                    Detail($"line {file.LineNumber}: invalid timestamp '{Show(cell)}'; row skipped");
                    continue;
                }

                var epoch = clock.ToEpochSeconds(wallClock);
                if (epoch < earliestValidEpoch)
                {
                    // A logger that lost its clock restarts in 2020: the values are real, their dates are not.
                    if (_clockNotSet++ == 0)
                    {
                        _clockNotSetFirstLine = file.LineNumber;
                    }

                    _clockNotSetLastLine = file.LineNumber;
                    continue;
                }

                Utf8Formatter.TryFormat(epoch, timestamp, out var tsLength);
                var ts = timestamp[..tsLength];
                _first = Math.Min(_first, epoch);
                _last = Math.Max(_last, epoch);
                _rows++;

                var rest = tab < 0 ? default : line[(tab + 1)..];
                var hasCells = tab >= 0;
                for (var c = 0; c < prefixes.Length; c++)
                {
                    if (!hasCells)
                    {
                        _invalidValues++;
                        Detail($"line {file.LineNumber} column {c + 1}: missing value");
                        continue;
                    }

                    var next = rest.IndexOf((byte)'\t');
                    cell = next < 0 ? rest : rest[..next];
                    if (next < 0)
                    {
                        hasCells = false;
                    }
                    else
                    {
                        rest = rest[(next + 1)..];
                    }

                    if (!ValueParser.TryParse(cell, value, out var v, out var text))
                    {
                        _invalidValues++;
                        Detail($"line {file.LineNumber} column {c + 1}: invalid value '{Show(cell)}'");
                        continue;
                    }

                    chunk.AppendPoint(prefixes[c], text, ts);
                    _points++;
                    if (_count[c]++ == 0)
                    {
                        _min[c] = v;
                        _max[c] = v;
                    }
                    else
                    {
                        _min[c] = Math.Min(_min[c], v);
                        _max[c] = Math.Max(_max[c], v);
                    }

                    _sum[c] += v;
                }
            }

            return true;
        }

        /// <summary>The counters of the rows read so far: at a chunk boundary (every row read is in a chunk), and at the end.</summary>
        public RunCounters Snapshot(int channelCount) => new()
        {
            LinesTotal = _lines,
            RowsIngested = _rows,
            InvalidTimestamps = _invalidTimestamps,
            ClockNotSetRows = _clockNotSet,
            InvalidValues = _invalidValues,
            TruncatedLines = _truncated,
            PointsWritten = _points,
            ChannelCount = channelCount,
        };

        public FileIngestionResult Complete(TsvFile file, string master, DeviceClock clock)
        {
            if (_clockNotSet > 0)
            {
                var earliest = DateTimeOffset.FromUnixTimeSeconds(earliestValidEpoch).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
                var where = _clockNotSet == 1 ? $"line {_clockNotSetFirstLine}" : $"lines {_clockNotSetFirstLine} to {_clockNotSetLastLine}";
                warnings.Add($"{_clockNotSet} {(_clockNotSet == 1 ? "row" : "rows")} dated before {earliest} (Ingestion:EarliestValidTime), {where}: " +
                    "the logger's clock was not set; not ingested");
            }

            if (_detailed > MaxDetailedWarnings)
            {
                warnings.Add($"{_detailed - MaxDetailedWarnings} more invalid timestamps or values not listed");
            }

            if (file.HasHeaderBlock && !file.SawEndData)
            {
                warnings.Add("no END_DATA line: the file may be incomplete");
            }

            if (_lines == 0)
            {
                warnings.Add("the file has format lines but no data rows");
            }

            return new FileIngestionResult
            {
                Format = file.Format.Marker,
                FileMasterSn = master,
                TimeZone = clock.ZoneId,
                TimeZoneSource = clock.Source,
                TimeZoneRules = LocalTimeZones.RulesVersion,
                Metadata = file.Metadata.Values,
                Counters = Snapshot(channels.Count),
                SawEndData = file.HasHeaderBlock ? file.SawEndData : null,
                TimeStart = _first <= _last ? DateTimeOffset.FromUnixTimeSeconds(_first) : null,
                TimeEnd = _first <= _last ? DateTimeOffset.FromUnixTimeSeconds(_last) : null,
                Warnings = warnings,
                Channels = [.. channels.Select((ch, c) => new ChannelSummary
                {
                    ColumnIndex = ch.ColumnIndex,
                    ChannelId = ch.ChannelId,
                    Field = ch.FieldKey,
                    DeviceSn = ch.DeviceSn,
                    DeviceType = ch.DeviceType,
                    DeviceSubtype = ch.DeviceSubtype,
                    Label = ch.Label,
                    Name = ch.Name,
                    Unit = ch.Unit,
                    Points = _count[c],
                    Min = _count[c] > 0 ? _min[c] : null,
                    Max = _count[c] > 0 ? _max[c] : null,
                    Mean = _count[c] > 0 ? _sum[c] / _count[c] : null,
                })],
            };
        }

        private void Detail(string warning)
        {
            if (++_detailed <= MaxDetailedWarnings)
            {
                warnings.Add(warning);
            }
        }

        private static string Show(ReadOnlySpan<byte> cell)
        {
            var text = Encoding.UTF8.GetString(cell.Length > 40 ? cell[..40] : cell);
            return cell.Length > 40 ? text + "…" : text;
        }
    }
}

/// <summary>How far a run got with the sink, for a run that fails half-way (and the retries of every write).</summary>
internal sealed class IngestProgress
{
    private int _writeRetries;

    /// <summary>The counters of the rows whose points the sink acknowledged; null before the first chunk was.</summary>
    public RunCounters? Written { get; private set; }

    public int WriteRetries => _writeRetries;

    public void Acknowledge(RunCounters? counters)
    {
        if (counters is not null)
        {
            Written = counters;
        }
    }

    public void AddRetries(int retries) => Interlocked.Add(ref _writeRetries, retries);
}
