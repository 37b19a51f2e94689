using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PowerView.Api.Hosting;

/// <summary>
/// The OpenAPI document from <c>Microsoft.AspNetCore.OpenApi</c> at <c>/openapi/v1.json</c>, Swagger UI
/// (<c>Swashbuckle.AspNetCore.SwaggerUI</c>, the UI only) at <c>/swagger</c>, and <c>/</c> redirecting
/// there. The bearer scheme is declared so that Swagger UI's "Authorize" sends the key on every call.
/// All three are anonymous: they describe the API, they reveal no data.
/// </summary>
internal static class OpenApiExtensions
{
    public const string DocumentPath = "/openapi/v1.json";
    private const string BearerScheme = "Bearer";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Runs", "Every ingestion and provisioning run: what happened to each upload."),
        ("Campaigns", "Per company and campaign: last run, last success, last error, devices."),
        ("Statistics", "Totals per day."),
        ("Files", "What lies in the data root and will never be ingested there."),
        ("Companies", "What is provisioned per company in Grafana and InfluxDB, and the company's Grafana users (admin key)."),
        ("Operations", "Health, liveness and Prometheus metrics."),
    ];

    public static IHostApplicationBuilder AddOpenApiWithSwaggerUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(OpenApiDocs.DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "PowerView.Api";
                document.Info.Description = "SFTPGo uploads of T302 device files into InfluxDB and Grafana, and what happened to every one of them. "
                    + "Click Authorize and enter the admin key, or a company key (it sees only its company).";
                // Swagger UI lists the groups in this order: what an operator opens first, first; other features' tags after.
                var ours = Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description });
                var others = (document.Tags ?? Enumerable.Empty<OpenApiTag>()).Where(t => !Tags.Any(o => o.Name == t.Name));
                document.Tags = new SortedSet<OpenApiTag>(ours.Concat(others), Comparer<OpenApiTag>.Create(
                    (a, b) => (Rank(a), a.Name ?? "").CompareTo((Rank(b), b.Name ?? ""))));
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "PowerView:AdminKey, or a company key for one company's data (PowerView:CompanyKeys:<company>, or the key provisioning gave the company's Grafana).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(RequireBearerWhereAuthorized);
        });
        return builder;
    }

    public static WebApplication MapOpenApiWithSwaggerUi(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint(DocumentPath, "PowerView.Api v1");
            ui.RoutePrefix = "swagger";
            ui.DocumentTitle = "PowerView.Api";
            ui.EnablePersistAuthorization();
            ui.EnableTryItOutByDefault();
            ui.DisplayRequestDuration();
        });
        app.MapGet("/", () => TypedResults.Redirect("/swagger")).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static int Rank(OpenApiTag tag) => Array.FindIndex(Tags, t => t.Name == tag.Name) is var i and >= 0 ? i : int.MaxValue;

    /// <summary>Marks the operations that need a key, so Swagger UI shows the padlock and sends the header.</summary>
    private static Task RequireBearerWhereAuthorized(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
            });
        }

        return Task.CompletedTask;
    }
}
