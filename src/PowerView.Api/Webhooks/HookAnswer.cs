using System.Text.Json.Serialization;

namespace PowerView.Api.Webhooks;

/// <summary>
/// The 200 answer to every event that was understood. SFTPGo only looks at the status code (exactly 200 for
/// the legacy hook, so it neither retries nor deletes the upload); the body is for people and logs.
/// </summary>
/// <param name="Status"><c>queued</c>, <c>ignored</c> or <c>duplicate</c>.</param>
/// <param name="JobId">The Hangfire job that will do (or already does) the work.</param>
/// <param name="Reason">Why nothing was queued.</param>
/// <param name="Path">The event's path relative to the data root, when it resolved.</param>
internal sealed record HookAnswer(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? JobId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Path = null)
{
    public const string Ignored = "ignored";
}
