namespace PowerView.Api.Provisioning;

/// <summary>
/// The three downsampling tasks of a company (docs/provisioning.md, "Downsampled data"). Each reads the raw
/// bucket's <c>electrical</c> points over a look-back truncated to its level (a logger uploading once a day
/// is then fully aggregated: upstream-behaviour.md §7), and writes per window the mean under the raw
/// measurement and field names (the layout the original's downsampled buckets already have), and the
/// minimum and maximum under <c>electrical_min</c> and <c>electrical_max</c>. <c>to()</c> overwrites, so
/// re-reading a window is idempotent. Daily and weekly windows follow the company's wall clock (Flux
/// <c>location</c>); weeks start on Monday.
/// </summary>
internal static class DownsamplingTasks
{
    public const string DefaultTimeZone = "Europe/Paris";
    public const string Measurement = "electrical";
    public const string MinMeasurement = "electrical_min";
    public const string MaxMeasurement = "electrical_max";

    public static IReadOnlyList<DownsamplingLevel> Levels { get; } =
    [
        new("1h", Every: "1h", Offset: "5m", LookBack: "3d", Local: false),
        new("1d", Every: "1d", Offset: "1h", LookBack: "14d", Local: true),
        new("1w", Every: "1w", Offset: "2h", LookBack: "5w", Local: true),
    ];

    public static string Script(string company, DownsamplingLevel level, string timeZone)
    {
        var name = FluxText.Literal(CompanyNames.TaskName(company, level.Name));
        var source = FluxText.Literal(company);
        var target = FluxText.Literal(CompanyNames.DownsampledBucket(company, level.Name));
        var zone = level.Local ? $"timezone.location(name: {FluxText.Literal(timeZone)})" : "timezone.utc";

        // Flux windows of 1w start on Thursdays (the Unix epoch's weekday); shifting by -3d starts them on Monday.
        // The look-back start is the Monday at or before "now - 5w" so that the first window read is whole:
        // a partial first window would overwrite a complete aggregate with a smaller one.
        var (start, offset) = level.Name == "1w"
            ? ("date.sub(d: 3d, from: date.truncate(t: date.add(d: 3d, to: -" + level.LookBack + ", location: zone), unit: 1w, location: zone), location: zone)", "-3d")
            : ($"date.truncate(t: -{level.LookBack}, unit: {level.Every}, location: zone)", "0s");

        return $$"""
            import "date"
            import "timezone"

            option task = {name: {{name}}, every: {{level.Every}}, offset: {{level.Offset}}}

            zone = {{zone}}
            start = {{start}}
            data =
                from(bucket: {{source}})
                    |> range(start: start)
                    |> filter(fn: (r) => r._measurement == "{{Measurement}}")

            data
                |> aggregateWindow(every: {{level.Every}}, offset: {{offset}}, fn: mean, location: zone, createEmpty: false)
                |> to(bucket: {{target}})
            data
                |> aggregateWindow(every: {{level.Every}}, offset: {{offset}}, fn: min, location: zone, createEmpty: false)
                |> set(key: "_measurement", value: "{{MinMeasurement}}")
                |> to(bucket: {{target}})
            data
                |> aggregateWindow(every: {{level.Every}}, offset: {{offset}}, fn: max, location: zone, createEmpty: false)
                |> set(key: "_measurement", value: "{{MaxMeasurement}}")
                |> to(bucket: {{target}})

            """;
    }
}

/// <param name="Name">The bucket suffix and task name suffix.</param>
/// <param name="Local">Windows aligned to the company's zone (days and weeks) rather than UTC.</param>
internal sealed record DownsamplingLevel(string Name, string Every, string Offset, string LookBack, bool Local);
