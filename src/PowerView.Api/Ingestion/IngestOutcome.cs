using System.Text.Json.Serialization;
using PowerView.Api.Hosting.Json;
using PowerView.Api.Runs;

namespace PowerView.Api.Ingestion;

/// <summary>The result of asking for a file: a finished run, or why there was none.</summary>
internal sealed record IngestOutcome(IngestOutcomeKind Kind, RunRecord? Run = null, string? Problem = null)
{
    public static readonly IngestOutcome Gone = new(IngestOutcomeKind.Gone, Problem: "the file is no longer there (already processed or removed)");
    public static readonly IngestOutcome Busy = new(IngestOutcomeKind.Busy, Problem: "the file is being processed by another run");

    public static IngestOutcome Completed(RunRecord run) => new(IngestOutcomeKind.Completed, run);

    public static IngestOutcome NotADataFile(string problem) => new(IngestOutcomeKind.Invalid, Problem: problem);
}

/// <summary>In JSON (the CLI's summary when there was no run): <c>completed</c>, <c>gone</c>, <c>busy</c>, <c>invalid</c>.</summary>
[JsonConverter(typeof(WireNameConverter<IngestOutcomeKind>))]
internal enum IngestOutcomeKind
{
    Completed,
    Gone,
    Busy,
    Invalid,
}
