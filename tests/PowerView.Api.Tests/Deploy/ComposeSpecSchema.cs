using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// The Compose Specification's JSON schema (compose-spec.json beside this file, origin in compose-spec.md),
/// evaluated with JsonSchema.Net.
/// </summary>
internal static class ComposeSpecSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Deploy", "compose-spec.json"));
        // The file names its draft as "http://json-schema.org/draft/2019-09/schema#" (the draft's identifier is https,
        // without the fragment) and carries draft-04's "id" beside it: the draft is given here instead, with unknown
        // keywords ignored as draft 2019-09 says they are (JsonSchema.Net 8 refuses them by default). The schema's
        // keywords are used as shipped.
        text = text.Replace("\"$schema\": \"http://json-schema.org/draft/2019-09/schema#\",", "", StringComparison.Ordinal);
        var dialect = Dialect.Draft201909.With([], allowUnknownKeywords: true);
        return JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = dialect }, new Uri("https://compose-spec.invalid/compose-spec.json"));
    });

    /// <summary>The schema's errors for <paramref name="compose"/> ("instance location: message"), none when it is valid.</summary>
    public static IReadOnlyList<string> Validate(JsonNode compose)
    {
        using var document = JsonDocument.Parse(compose.ToJsonString());
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
            .Distinct()
            .ToList();
        return errors.Count == 0 ? ["invalid (no detail)"] : errors;
    }
}
