using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PowerView.Api.Runs;

/// <summary>The JSON shape of reports and API answers: camelCase, ISO-8601 UTC times, nulls written (Grafana panels want every key).</summary>
internal static class RunJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        // Generated metadata for the types every run serialises (no reflection warm-up in a short CLI
        // process); anything else falls back to reflection.
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(RunJsonContext.Default, new DefaultJsonTypeInfoResolver());
        return options;
    }

    /// <summary>Always <c>2026-01-05T10:00:00Z</c>-style UTC, whatever offset the value carries.</summary>
    private sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }
}

[JsonSerializable(typeof(RunReport))]
[JsonSerializable(typeof(Cli.CliSummary))]
internal sealed partial class RunJsonContext : JsonSerializerContext;
