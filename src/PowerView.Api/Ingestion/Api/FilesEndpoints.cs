using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PowerView.Api.Hosting.Security;

namespace PowerView.Api.Ingestion.Api;

/// <summary><c>/api/files/stranded</c>: what lies in the data root and will never be ingested there.</summary>
internal static class FilesEndpoints
{
    /// <summary>A bound on the answer: a data root in that state needs an operator, not a longer list.</summary>
    private const int MaxListed = 1000;

    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/files/stranded", ListStranded)
            .RequireAuthorization(ApiKeys.ReaderPolicy)
            .WithTags("Files").WithName("ListStrandedFiles")
            .WithSummary("Files that will never be ingested where they are")
            .WithDescription("Files of the data root at the wrong depth for <company>/<campaign>/<device>/<file>.tsv, or not .tsv, with the reason "
                + "(at most 1000). Uploads in flight (hidden and temporary names), parsed/ and error/ are not listed. A company key sees its company's.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        app.MapGet("/api/files/stuck", ListStuck)
            .RequireAuthorization(ApiKeys.ReaderPolicy)
            .WithTags("Files").WithName("ListStuckFiles")
            .WithSummary("Files whose run could not move them to parsed/ or error/")
            .WithDescription("A file whose run ended (its points written, or refused) but that could not be moved (a link or a file named like the folder, "
                + "a folder that is not writable) is not ingested again while it is the same file; the sweep tries the move again and it leaves this list "
                + "once moved. Oldest first, with the run and the reason. A company key sees its company's.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<StuckFile>>> ListStuck(ClaimsPrincipal user, StuckFiles files, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var listed = await Task.Run(() => files.All().Where(f => caller.CanSee(f.Company)).Take(MaxListed).ToList(), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<StuckFile>>(listed);
    }

    public static async Task<Ok<IReadOnlyList<StrandedFile>>> ListStranded(ClaimsPrincipal user, StrandedFiles files, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var listed = await Task.Run(() => files.Find().Where(f => caller.CanSee(f.Company)).Take(MaxListed).ToList(), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<StrandedFile>>(listed);
    }
}
