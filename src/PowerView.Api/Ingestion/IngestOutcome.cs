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

    /// <summary>The run ended but the run store refused it: the file is where it was, to be taken (and recorded) again.</summary>
    public static IngestOutcome NotRecorded(string problem) => new(IngestOutcomeKind.NotRecorded, Problem: problem);

    /// <summary>An earlier run of this very file could not move it: not ingested again until it can be moved.</summary>
    public static IngestOutcome Stuck(string problem) => new(IngestOutcomeKind.Stuck, Problem: problem);

    /// <summary>An earlier run of this very file could not move it; now it could.</summary>
    public static IngestOutcome Settled(string movedTo) => new(IngestOutcomeKind.Settled, Problem: $"moved to {movedTo}, where its earlier run could not move it");
}

/// <summary>In JSON (the CLI's summary when there was no run): <c>completed</c>, <c>gone</c>, <c>busy</c>, <c>invalid</c>,
/// <c>notRecorded</c>, <c>stuck</c>, <c>settled</c>.</summary>
[JsonConverter(typeof(WireNameConverter<IngestOutcomeKind>))]
internal enum IngestOutcomeKind
{
    Completed,
    Gone,
    Busy,
    Invalid,
    NotRecorded,
    Stuck,
    Settled,
}
