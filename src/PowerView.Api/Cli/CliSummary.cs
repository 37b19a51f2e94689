using System.Text.Json;
using System.Text.Json.Serialization;
using PowerView.Api.Hosting.Json;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Cli;

/// <summary>The one-line JSON the CLI prints per file: the run's counters, or why there was no run.</summary>
internal sealed record CliSummary : RunCounters
{
    private CliSummary(RunCounters counters)
        : base(counters)
    {
    }

    public required string File { get; init; }

    /// <summary>The run's status (<c>success</c>, <c>error</c>…), or why there was no run (<c>gone</c>, <c>busy</c>, <c>invalid</c>).</summary>
    public required string Status { get; init; }

    public string? RunId { get; init; }

    public string? Company { get; init; }

    public string? Campaign { get; init; }

    public string? DeviceMasterSn { get; init; }

    public string? Format { get; init; }

    /// <summary>The zone the file's times were read in (the report also says what chose it and the rules' edition).</summary>
    public string? TimeZone { get; init; }

    public DateTimeOffset? TimeStart { get; init; }

    public DateTimeOffset? TimeEnd { get; init; }

    public long DurationMs { get; init; }

    public string? MovedTo { get; init; }

    public string? Error { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static CliSummary From(string file, IngestOutcome outcome) => outcome.Run is { } r
        ? new CliSummary(r.Counters)
        {
            File = file,
            Status = r.Status.Wire(),
            RunId = r.Id,
            Company = r.Company,
            Campaign = r.Campaign,
            DeviceMasterSn = r.DeviceMasterSn,
            Format = r.Format,
            TimeZone = r.TimeZone,
            TimeStart = r.TimeStart,
            TimeEnd = r.TimeEnd,
            DurationMs = r.DurationMs,
            MovedTo = r.MovedTo,
            Error = r.Error ?? r.Message,
            Warnings = r.Warnings,
        }
        : new CliSummary(RunCounters.None) { File = file, Status = WireName<IngestOutcomeKind>.Of(outcome.Kind), Error = outcome.Problem };
}

/// <summary>The API's conventions, one compact line per file, generated metadata (no reflection warm-up in a short process).</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Line = ApiJson.Create(indented: false, CliJsonContext.Default);
}

[JsonSerializable(typeof(CliSummary))]
[JsonSerializable(typeof(ProvisionSummary))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
