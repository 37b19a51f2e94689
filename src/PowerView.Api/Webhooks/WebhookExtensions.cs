using Microsoft.Extensions.Options;

namespace PowerView.Api.Webhooks;

internal static class WebhookExtensions
{
    /// <summary>The SFTPGo hook receiver: <c>Hooks</c> options (validated at start), path mapping and routing.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HooksOptions>().BindConfiguration(HooksOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HooksOptions>, HooksOptionsValidation>();
        builder.Services.AddSingleton<HookPaths>();
        builder.Services.AddSingleton<HookRouter>();
        return builder;
    }
}
