using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PowerView.Api.Hosting;
using PowerView.Api.Hosting.Security;
using PowerView.Api.Runs.Contracts;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Runs.Api;

/// <summary>The query string of <c>/api/stats/daily</c>.</summary>
internal sealed record StatisticsFilter
{
    [Description("Company names, comma-separated; empty = all you may see.")]
    [FromQuery(Name = "company")]
    public string? Company { get; init; }

    [Description("Campaign names, comma-separated.")]
    [FromQuery(Name = "campaign")]
    public string? Campaign { get; init; }

    [Description("First day: ISO-8601 or epoch milliseconds (default: 30 days before 'to').")]
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    [Description("Last day: ISO-8601 or epoch milliseconds (default: now).")]
    [FromQuery(Name = "to")]
    public string? To { get; init; }
}

internal static class StatisticsEndpoints
{
    private const int MaxDays = 3660;

    public static async Task<Results<Ok<IReadOnlyList<DailyStats>>, ValidationProblem>> Daily(
        [AsParameters] StatisticsFilter filter, ClaimsPrincipal user, IRunStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (from, to) = QueryValues.Range(filter.From, filter.To, errors);
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-30);
        if (errors.Count == 0 && end - start > TimeSpan.FromDays(MaxDays))
        {
            errors["from"] = [$"at most {MaxDays} days at once"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var companies = Caller.From(user).Scope(QueryValues.List(filter.Company));
        if (companies is null)
        {
            return TypedResults.Ok<IReadOnlyList<DailyStats>>([]);
        }

        return TypedResults.Ok(await store.DailyStatsAsync(
            new DailyQuery { Companies = companies, Campaigns = QueryValues.List(filter.Campaign), From = start, To = end }, cancellationToken));
    }
}
