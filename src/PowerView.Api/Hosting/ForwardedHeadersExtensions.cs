using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;

namespace PowerView.Api.Hosting;

/// <summary>
/// Behind Caddy every request arrives from the proxy over plain HTTP. The proxy's X-Forwarded-For,
/// -Proto and -Host headers are believed only from <c>ForwardedHeaders:KnownNetworks</c> (loopback and
/// the private ranges Docker networks use, by default), so the logs show the real client, and the
/// OpenAPI document tells Swagger UI the public https address instead of http://api:8080.
/// </summary>
internal static class ForwardedHeadersExtensions
{
    public static IHostApplicationBuilder AddPowerViewForwardedHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ProxySettings, ProxySettingsValidation>(ProxySettings.SectionName);
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxySettings>>((options, settings) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var network in settings.Value.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    public static WebApplication UsePowerViewForwardedHeaders(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }

    /// <summary>Section <c>ForwardedHeaders</c>.</summary>
    internal sealed class ProxySettings
    {
        public const string SectionName = "ForwardedHeaders";

        /// <summary>CIDR networks whose forwarded headers are believed (the reverse proxy's).</summary>
        public string[] KnownNetworks { get; set; } = [];
    }

    private sealed class ProxySettingsValidation : IValidateOptions<ProxySettings>
    {
        public ValidateOptionsResult Validate(string? name, ProxySettings options)
        {
            var wrong = options.KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)).ToList();
            return wrong.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"ForwardedHeaders:KnownNetworks: {string.Join(", ", wrong.Select(w => $"'{w}'"))} is not a CIDR network such as 10.0.0.0/8");
        }
    }
}
