using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PowerView.Api.Hosting.Json;

namespace PowerView.Api.Hosting;

/// <summary>
/// What a feature adds to the OpenAPI document about itself (its security schemes, its examples), registered from its
/// own <c>AddX</c>: the document is assembled from the features, not described in one central place.
/// </summary>
internal static class OpenApiDocs
{
    /// <summary>The one document (<c>/openapi/v1.json</c>).</summary>
    public const string DocumentName = "v1";

    private static readonly JsonSerializerOptions ExampleJson = ApiJson.Create(indented: false);

    /// <summary>Configures the document's options from a feature.</summary>
    public static IServiceCollection ConfigureOpenApi(this IServiceCollection services, Action<OpenApiOptions> configure) =>
        services.Configure(DocumentName, configure);

    /// <summary>
    /// A real example for every schema of <typeparamref name="T"/>, written from a value as the API writes it (so the
    /// example cannot drift from the type: it is the type, serialised).
    /// </summary>
    public static OpenApiOptions AddExample<T>(this OpenApiOptions options, T example)
    {
        var node = JsonSerializer.SerializeToNode(example, ExampleJson);
        return options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(T))
            {
                schema.Examples = node is null ? null : [node.DeepClone()];
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>Declares a security scheme of the document (shown by Swagger UI's Authorize).</summary>
    public static OpenApiOptions AddSecurityScheme(this OpenApiOptions options, string name, OpenApiSecurityScheme scheme) =>
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[name] = scheme;
            return Task.CompletedTask;
        });

    /// <summary>The operation <paramref name="operationId"/> accepts any one of the <paramref name="schemes"/>.</summary>
    public static OpenApiOptions RequireScheme(this OpenApiOptions options, string operationId, params string[] schemes) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (operation.OperationId == operationId)
            {
                operation.Security ??= [];
                foreach (var scheme in schemes)
                {
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
                }
            }

            return Task.CompletedTask;
        });
}
