using System.ComponentModel;
using System.Text.Json.Serialization;
using PowerView.Api.Hosting.Json;

namespace PowerView.Api.Webhooks;

/// <summary>
/// The 200 answer to every event that was understood. SFTPGo only looks at the status code (exactly 200 for
/// the legacy hook, so it neither retries nor deletes the upload); the body is for people and logs.
/// </summary>
internal sealed record HookAnswer(
    HookStatus Status,
    [property: Description("The Hangfire job that will do (or already does) the work.")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? JobId = null,
    [property: Description("Why nothing was queued.")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: Description("The event's path relative to the data root, when it resolved.")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Path = null)
{
    public static HookAnswer Example { get; } = new(HookStatus.Queued, "42", Path: "company1/campaign1/02001171/T302_251012_031720.tsv");
}

/// <summary><c>queued</c> (a job will do it), <c>duplicate</c> (a job already has it), <c>ignored</c> (nothing to do: <c>reason</c> says why).</summary>
[JsonConverter(typeof(WireNameConverter<HookStatus>))]
internal enum HookStatus
{
    Queued,
    Duplicate,
    Ignored,
}
