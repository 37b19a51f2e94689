using System.Globalization;
using System.Text;
using NodaTime;

namespace PowerView.Api.Benchmarks;

/// <summary>
/// Writes synthetic T302 exports shaped like the company1 sample (31 columns: a tri-phase master with
/// three voltages and three powers, four slaves with six powers each), 10-minute rows, realistic
/// magnitudes and the field's quirks (-0.0, integers). Deterministic for a given row count.
/// </summary>
internal static class DeviceFileGenerator
{
    private static readonly string[] Devices = ["02001171", "04000466", "04000477", "04001293", "04001344"];

    public static void Write(string path, int rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        Write(writer, rows);
    }

    public static byte[] Build(int rows)
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20, leaveOpen: true) { NewLine = "\n" })
        {
            Write(writer, rows);
        }

        return stream.ToArray();
    }

    private static void Write(TextWriter writer, int rows)
    {
        var lineA = new List<string> { Devices[0] };
        var lineB = new List<string> { "MV_T302_V002" };
        lineA.AddRange(Enumerable.Repeat(Devices[0], 6));
        lineB.AddRange(["Ph 1 V", "Ph 2 V", "Ph 3 V", "Voie1 W", "Voie2 W", "Voie3 W"]);
        foreach (var slave in Devices.Skip(1))
        {
            lineA.AddRange(Enumerable.Repeat(slave, 6));
            lineB.AddRange(Enumerable.Range(1, 6).Select(i => $"Voie{i} W"));
        }

        writer.WriteLine(string.Join('\t', lineA));
        writer.WriteLine(string.Join('\t', lineB));
        var random = new Random(rows);
        // What a logger on French time writes, from January 2025 (after Ingestion:EarliestValidTime): 20,000 rows run
        // into May, across the spring change; longer files repeat an hour each autumn.
        var paris = DateTimeZoneProviders.Tzdb["Europe/Paris"];
        var time = Instant.FromUtc(2024, 12, 31, 23, 0);
        var sb = new StringBuilder(256);
        for (var r = 0; r < rows; r++)
        {
            var wall = time.InZone(paris).LocalDateTime.ToDateTimeUnspecified();
            sb.Clear().Append(wall.ToString("dd/MM/yy HH:mm:ss", CultureInfo.InvariantCulture));
            for (var c = 0; c < 3; c++)
            {
                sb.Append('\t').Append((230 + (random.NextDouble() * 20)).ToString("0.00", CultureInfo.InvariantCulture));
            }

            for (var c = 3; c < 30; c++)
            {
                var kind = random.Next(10);
                sb.Append('\t').Append(kind switch
                {
                    0 => "-0.0",
                    1 => "0",
                    _ => ((random.NextDouble() * 3000) - 200).ToString("0.0", CultureInfo.InvariantCulture),
                });
            }

            writer.WriteLine(sb);
            time += Duration.FromMinutes(10);
        }
    }
}
