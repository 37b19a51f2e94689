using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PowerView.Api.Hosting;
using PowerView.Api.Hosting.Security;
using PowerView.Api.Runs.Contracts;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Runs.Api;

/// <summary>
/// The read-only run history: what happened to every upload. Every route needs a monitoring key; a company key sees
/// only its company (another company's campaign or run is 404, lists are filtered). Answers are flat JSON arrays or
/// objects, camelCase, ISO-8601 UTC times, every key present.
/// </summary>
internal static class RunsEndpoints
{
    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .RequireAuthorization(ApiKeys.ReaderPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapGet("/runs", ListRuns).WithTags("Runs").WithName("ListRuns")
            .WithSummary("Latest runs, newest first")
            .WithDescription("Ingestion and provisioning runs, newest first, filtered by company, campaign, device, file, status, kind and start time. Returns the newest 100 unless limit says otherwise (at most 1000).");
        api.MapGet("/runs/{id}", GetRun).WithTags("Runs").WithName("GetRun")
            .WithSummary("One run's full report")
            .WithDescription("Everything recorded about one run: counters, warnings, the file's metadata block and per-channel statistics.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/errors", ListErrors).WithTags("Runs").WithName("ListErrors")
            .WithSummary("Failed runs with their reason")
            .WithDescription("Same filters as /api/runs; status defaults to error (add status=error,deferred to include runs waiting for InfluxDB).");
        api.MapGet("/campaigns", ListCampaigns).WithTags("Campaigns").WithName("ListCampaigns")
            .WithSummary("One row per company/campaign")
            .WithDescription("Last run, last success and its file, last error and its reason, counts, and the seconds since the last success.");
        api.MapGet("/campaigns/{company}/{campaign}", GetCampaign).WithTags("Campaigns").WithName("GetCampaign")
            .WithSummary("One campaign with its devices")
            .WithDescription("The campaign row plus, per device folder, the last file seen and how its last run went.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/stats/daily", StatisticsEndpoints.Daily).WithTags("Statistics").WithName("DailyStatistics")
            .WithSummary("Ingestion totals per UTC day")
            .WithDescription("Runs, successes, errors, deferred runs and points written per day, oldest first (days without runs are left out). Default range: the last 30 days.");
        return api;
    }

    public static async Task<Results<Ok<IReadOnlyList<RunSummary>>, ValidationProblem>> ListRuns(
        [AsParameters] RunFilter filter, ClaimsPrincipal user, IRunStore store, CancellationToken cancellationToken) =>
        await ListAsync(filter, user, store, null, cancellationToken);

    public static async Task<Results<Ok<IReadOnlyList<RunSummary>>, ValidationProblem>> ListErrors(
        [AsParameters] RunFilter filter, ClaimsPrincipal user, IRunStore store, CancellationToken cancellationToken) =>
        await ListAsync(filter, user, store, [RunStatus.Error], cancellationToken);

    public static async Task<Results<Ok<RunDetail>, NotFound>> GetRun(
        string id, ClaimsPrincipal user, IRunStore store, CancellationToken cancellationToken)
    {
        var run = await store.GetAsync(id, cancellationToken);
        // Another company's run answers like a missing one: a company key learns nothing about others.
        return run is not null && Caller.From(user).CanSee(run.Company)
            ? TypedResults.Ok(run)
            : TypedResults.NotFound();
    }

    public static async Task<Ok<IReadOnlyList<CampaignSummary>>> ListCampaigns(
        [AsParameters] CampaignFilter filter, ClaimsPrincipal user, IRunStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var companies = Caller.From(user).Scope(QueryValues.List(filter.Company));
        if (companies is null)
        {
            return TypedResults.Ok<IReadOnlyList<CampaignSummary>>([]);
        }

        var rows = await store.ListCampaignsAsync(new CampaignQuery { Companies = companies, Campaigns = QueryValues.List(filter.Campaign) }, cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok<IReadOnlyList<CampaignSummary>>(rows.Select(r => r.At(now)).ToList());
    }

    public static async Task<Results<Ok<CampaignDetail>, NotFound>> GetCampaign(
        string company, string campaign, ClaimsPrincipal user, IRunStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Caller.From(user).CanSee(company))
        {
            return TypedResults.NotFound();
        }

        var detail = await store.GetCampaignAsync(company, campaign, cancellationToken);
        return detail is null ? TypedResults.NotFound() : TypedResults.Ok((CampaignDetail)detail.At(time.GetUtcNow()));
    }

    private static async Task<Results<Ok<IReadOnlyList<RunSummary>>, ValidationProblem>> ListAsync(
        RunFilter filter, ClaimsPrincipal user, IRunStore store, IReadOnlyList<RunStatus>? defaultStatuses, CancellationToken cancellationToken)
    {
        var (query, errors) = filter.ToQuery(Caller.From(user), defaultStatuses);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(query is null ? [] : await store.ListRunsAsync(query, cancellationToken));
    }
}
