using Hangfire.Dashboard;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting.Security;

namespace PowerView.Api.Jobs;

/// <summary>
/// The dashboard is never anonymous, and never "local requests only": behind Caddy every request comes from
/// 127.0.0.1. It asks for the AdminKey, as HTTP Basic (any user name; the browser shows its login prompt) or
/// as a Bearer token for scripts.
/// </summary>
internal sealed class DashboardAuthorization(IOptions<PowerViewOptions> options) : IDashboardAsyncAuthorizationFilter
{
    public Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (SharedSecret.Matches(SharedSecret.FromAuthorization(http.Request.Headers.Authorization), options.Value.AdminKey))
        {
            return Task.FromResult(true);
        }

        // Hangfire answers 401 itself; the challenge makes browsers ask for the key.
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"PowerView\", charset=\"UTF-8\"";
        return Task.FromResult(false);
    }
}
