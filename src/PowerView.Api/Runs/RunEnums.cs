using System.Text.Json.Serialization;
using PowerView.Api.Hosting.Json;

namespace PowerView.Api.Runs;

/// <summary>How a run ended. In JSON, query strings and the store: <c>success</c>, <c>error</c>, <c>deferred</c>, <c>skipped</c>.</summary>
[JsonConverter(typeof(WireNameConverter<RunStatus>))]
internal enum RunStatus
{
    /// <summary>Ingested (the file is in parsed/), or provisioned.</summary>
    Success,

    /// <summary>Refused for good (the file is in error/), or provisioning failed.</summary>
    Error,

    /// <summary>The sink could not be reached: the file stays and is retried.</summary>
    Deferred,

    /// <summary>Nothing to do yet: a file not settled, provisioning not configured.</summary>
    Skipped,
}

/// <summary>What a run did: <c>ingest</c> a file or <c>provision</c> a company or campaign.</summary>
[JsonConverter(typeof(WireNameConverter<RunKind>))]
internal enum RunKind
{
    Ingest,
    Provision,
}

/// <summary>What asked for a run: <c>hook</c>, <c>sweep</c>, <c>cli</c>, or <c>retry</c> (a job's second or later try).</summary>
[JsonConverter(typeof(WireNameConverter<RunTrigger>))]
internal enum RunTrigger
{
    Hook,
    Sweep,
    Cli,
    Retry,
}

internal static class RunEnumNames
{
    public static string Wire(this RunStatus value) => WireName<RunStatus>.Of(value);

    public static string Wire(this RunKind value) => WireName<RunKind>.Of(value);

    public static string Wire(this RunTrigger value) => WireName<RunTrigger>.Of(value);
}
