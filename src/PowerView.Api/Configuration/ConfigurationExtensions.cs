using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PowerView.Api.Runs;

namespace PowerView.Api.Configuration;

internal static class ConfigurationExtensions
{
    /// <summary>Binds every options section and validates it when the host starts.</summary>
    public static IHostApplicationBuilder AddPowerViewConfiguration(this IHostApplicationBuilder builder, ServiceMode mode)
    {
        builder.Services.AddSingleton(mode);
        builder.Services.TryAddSingleton(TimeProvider.System);
        Bind<PowerViewOptions, PowerViewOptionsValidation>(builder, PowerViewOptions.SectionName);
        Bind<InfluxOptions, InfluxOptionsValidation>(builder, InfluxOptions.SectionName);
        Bind<IngestionOptions, IngestionOptionsValidation>(builder, IngestionOptions.SectionName);
        Bind<GrafanaOptions, GrafanaOptionsValidation>(builder, GrafanaOptions.SectionName);
        Bind<JobsOptions, JobsOptionsValidation>(builder, JobsOptions.SectionName);
        Bind<RunsOptions, RunsOptionsValidation>(builder, RunsOptions.SectionName);
        builder.Services.AddSingleton<PowerViewPaths>();
        return builder;
    }

    private static void Bind<TOptions, TValidation>(IHostApplicationBuilder builder, string section)
        where TOptions : class
        where TValidation : class, IValidateOptions<TOptions>
    {
        builder.Services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidation>();
    }
}
