using System.Text.Json;
using Microsoft.OpenApi;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;

namespace PowerView.Api.Webhooks;

internal static class WebhookExtensions
{
    /// <summary>The SFTPGo hook receiver: <c>Hooks</c> options (validated at start), path mapping and routing.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<HooksOptions, HooksOptionsValidation>(HooksOptions.SectionName);
        builder.Services.AddSingleton<HookPaths>();
        builder.Services.AddSingleton<HookRouter>();
        builder.Services.ConfigureOpenApi(openApi => openApi
            .AddSecurityScheme(WebhookEndpoints.BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "PowerView:HookSecret, as SFTPGo's Event Manager sends it (Authorization: Bearer …).",
            })
            .AddSecurityScheme(WebhookEndpoints.BasicScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "basic",
                Description = "Any user name, PowerView:HookSecret as the password: what the legacy hook sends from its URL (http://hook:SECRET@api:8080/hooks/sftpgo).",
            })
            .RequireScheme(WebhookEndpoints.OperationId, WebhookEndpoints.BearerScheme, WebhookEndpoints.BasicScheme)
            .AddOperationTransformer((operation, _, _) =>
            {
                if (operation.OperationId == WebhookEndpoints.OperationId && operation.RequestBody?.Content is { } content)
                {
                    content.Remove("*/*");
                    // On the media type too: Swagger UI fills "Try it out" from there, not from the schema's examples.
                    if (content.TryGetValue("application/json", out var json))
                    {
                        json.Example = JsonSerializer.SerializeToNode(SftpGoEvent.Example, SftpGoJson.Default.SftpGoEvent);
                    }
                }

                return Task.CompletedTask;
            })
            .AddExample(SftpGoEvent.Example)
            .AddExample(HookAnswer.Example));
        return builder;
    }
}
