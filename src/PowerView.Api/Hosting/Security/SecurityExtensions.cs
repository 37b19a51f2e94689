using Microsoft.AspNetCore.Authentication;

namespace PowerView.Api.Hosting.Security;

internal static class SecurityExtensions
{
    /// <summary>
    /// The API-key scheme and its two policies, once for the whole service. No default scheme: the policies name
    /// theirs, so a key is only read where an endpoint asks for it, and the hook (its own secret) and the Hangfire
    /// dashboard (its own filter) see an anonymous request.
    /// </summary>
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        // With a single scheme registered ASP.NET Core would otherwise make it the default and authenticate every request.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeys.Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeys.ReaderPolicy, policy => policy
                .AddAuthenticationSchemes(ApiKeys.Scheme)
                .RequireAssertion(c => c.User.IsInRole(ApiKeys.AdminRole) || c.User.HasClaim(x => x.Type == ApiKeys.CompanyClaim)))
            .AddPolicy(ApiKeys.AdminPolicy, policy => policy
                .AddAuthenticationSchemes(ApiKeys.Scheme)
                .RequireRole(ApiKeys.AdminRole))
            .AddPolicy(ApiKeys.MetricsPolicy, policy => policy
                .AddAuthenticationSchemes(ApiKeys.Scheme)
                .RequireRole(ApiKeys.AdminRole, ApiKeys.MetricsRole));
        return builder;
    }

    public static WebApplication UseApiKeyAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
