using PowerView.Api.Configuration;

namespace PowerView.Api.Webhooks;

internal static class WebhookExtensions
{
    /// <summary>The SFTPGo hook receiver: <c>Hooks</c> options (validated at start), path mapping and routing.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<HooksOptions, HooksOptionsValidation>(HooksOptions.SectionName);
        builder.Services.AddSingleton<HookPaths>();
        builder.Services.AddSingleton<HookRouter>();
        return builder;
    }
}
