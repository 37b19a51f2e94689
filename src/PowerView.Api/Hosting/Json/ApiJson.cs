using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PowerView.Api.Hosting.Json;

/// <summary>
/// The JSON shape of every answer and report: camelCase, ISO-8601 UTC times with <c>Z</c>, nulls written (Grafana
/// panels and scripts want every key in every row). Features add their source-generated metadata in front of the
/// reflection fallback (<see cref="JsonSerializerOptions.TypeInfoResolverChain"/>).
/// </summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        // Numbers are numbers: the web defaults would also read "12" as 12, and the OpenAPI document would then
        // describe every integer as "integer | string".
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        return options;
    }

    /// <summary>New options with the conventions, the given generated contexts first, reflection for the rest.</summary>
    public static JsonSerializerOptions Create(bool indented, params JsonSerializerContext[] contexts)
    {
        var options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = indented });
        foreach (var context in contexts)
        {
            options.TypeInfoResolverChain.Add(context);
        }

        options.TypeInfoResolverChain.Add(new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
        return options;
    }

    /// <summary>Always <c>2026-01-05T10:00:00Z</c>-style UTC, whatever offset the value carries.</summary>
    private sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
    }
}
