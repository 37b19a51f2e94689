using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using PowerView.Api.Hosting;
using PowerView.Api.Hosting.Security;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Runs.Api;

/// <summary>The query string of <c>/api/runs</c> and <c>/api/errors</c>. Every list accepts comma-separated values; empty means all.</summary>
internal sealed record RunFilter
{
    [Description("Company (bucket) names, comma-separated. A company key only ever sees its own company.")]
    [FromQuery(Name = "company")]
    public string? Company { get; init; }

    [Description("Campaign names, comma-separated.")]
    [FromQuery(Name = "campaign")]
    public string? Campaign { get; init; }

    [Description("Device folders (serial numbers), comma-separated.")]
    [FromQuery(Name = "device")]
    public string? Device { get; init; }

    [Description("File names, comma-separated: the history of one upload.")]
    [FromQuery(Name = "file")]
    public string? File { get; init; }

    [Description("success, error, deferred, skipped; comma-separated. /api/errors defaults to error.")]
    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    [Description("ingest or provision; comma-separated.")]
    [FromQuery(Name = "kind")]
    public string? Kind { get; init; }

    [Description("Runs started at or after: ISO-8601 (2026-01-05T10:00:00Z) or epoch milliseconds (Grafana's ${__from}).")]
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    [Description("Runs started at or before: ISO-8601 or epoch milliseconds.")]
    [FromQuery(Name = "to")]
    public string? To { get; init; }

    [Description("At most this many rows, newest first (default 100, at most 1000).")]
    [FromQuery(Name = "limit")]
    public string? Limit { get; init; }

    /// <summary>The store query for this caller, or the validation errors; a null query with no errors means nothing can match.</summary>
    public (RunQuery? Query, Dictionary<string, string[]> Errors) ToQuery(Caller caller, IReadOnlyList<RunStatus>? defaultStatuses = null)
    {
        var errors = new Dictionary<string, string[]>();
        var statuses = QueryValues.Enums<RunStatus>("status", Status, errors);
        var kinds = QueryValues.Enums<RunKind>("kind", Kind, errors);
        var (from, to) = QueryValues.Range(From, To, errors);
        // Read here, not bound by the framework: a value that is not a number is then a 400 naming "limit", like any other.
        var limit = QueryValues.Integer("limit", Limit, 1, RunQuery.MaxLimit, errors);

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var companies = caller.Scope(QueryValues.List(Company));
        return companies is null
            ? (null, errors)
            : (new RunQuery
            {
                Companies = companies,
                Campaigns = QueryValues.List(Campaign),
                Devices = QueryValues.List(Device),
                Files = QueryValues.List(File),
                Statuses = statuses.Count > 0 ? statuses : defaultStatuses ?? [],
                Kinds = kinds,
                From = from,
                To = to,
                Limit = limit ?? RunQuery.DefaultLimit,
            }, errors);
    }
}

/// <summary>The query string of <c>/api/campaigns</c>.</summary>
internal sealed record CampaignFilter
{
    [Description("Company names, comma-separated (Grafana ${company:csv}); empty = all you may see.")]
    [FromQuery(Name = "company")]
    public string? Company { get; init; }

    [Description("Campaign names, comma-separated.")]
    [FromQuery(Name = "campaign")]
    public string? Campaign { get; init; }
}
