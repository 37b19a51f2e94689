using System.Text.Json;
using System.Text.Json.Serialization;
using PowerView.Api.Hosting.Json;
using PowerView.Api.Runs.Contracts;

namespace PowerView.Api.Runs;

/// <summary>The run's JSON as stored and as the report file on disk: the API's conventions, generated metadata
/// (a short CLI process pays no reflection warm-up for it).</summary>
internal static class RunsJson
{
    public static readonly JsonSerializerOptions Stored = ApiJson.Create(indented: false, RunsJsonContext.Default);

    public static readonly JsonSerializerOptions Report = ApiJson.Create(indented: true, RunsJsonContext.Default);
}

[JsonSerializable(typeof(RunDetail))]
internal sealed partial class RunsJsonContext : JsonSerializerContext;
