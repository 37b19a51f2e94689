using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PowerView.Api.Configuration;

internal static class ConfigurationExtensions
{
    /// <summary>
    /// What several features share: the <c>PowerView</c> section (data root, state folder, secrets) and its paths,
    /// the <c>Influx</c> connection, the clock, and whether this process is the web service or a CLI verb. Every
    /// feature binds its own section in its <c>AddX</c> (<see cref="AddValidatedOptions{TOptions, TValidation}"/>).
    /// </summary>
    public static IHostApplicationBuilder AddPowerViewConfiguration(this IHostApplicationBuilder builder, ServiceMode mode)
    {
        builder.Properties[typeof(ServiceMode)] = mode;
        builder.Services.AddSingleton(mode);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddValidatedOptions<PowerViewOptions, PowerViewOptionsValidation>(PowerViewOptions.SectionName);
        builder.Services.AddValidatedOptions<InfluxOptions, InfluxOptionsValidation>(InfluxOptions.SectionName);
        builder.Services.AddSingleton<PowerViewPaths>();
        // First of the hosted services, so nothing opens a store in a folder it cannot write.
        builder.Services.AddHostedService<FolderCheck>();
        return builder;
    }

    /// <summary>The mode given to <see cref="AddPowerViewConfiguration"/>: features register web-only services by it.</summary>
    public static ServiceMode ServiceMode(this IHostApplicationBuilder builder) =>
        builder.Properties.TryGetValue(typeof(ServiceMode), out var mode) && mode is ServiceMode known
            ? known
            : throw new InvalidOperationException("AddPowerViewConfiguration must come first");

    /// <summary>Binds a section and validates it when the host starts: a wrong value stops the service with a message naming the key.</summary>
    public static IServiceCollection AddValidatedOptions<TOptions, TValidation>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidation : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidation>();
        return services;
    }
}
