using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting.Security;

namespace PowerView.Api.Webhooks;

/// <summary>
/// SFTPGo signs nothing (no HMAC): the hook proves itself with <c>PowerView:HookSecret</c>, as a Bearer token
/// (Event Manager header, legacy <c>http.headers</c>) or as the password of HTTP Basic (legacy hook URL
/// <c>http://hook:SECRET@host/hooks/sftpgo</c>). Runs before the body is read. 401 is not retried by SFTPGo.
/// </summary>
internal sealed class HookSecretFilter(IOptions<PowerViewOptions> options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (SharedSecret.Matches(SharedSecret.FromAuthorization(http.Request.Headers.Authorization), options.Value.HookSecret))
        {
            return next(context);
        }

        // Bearer only: SFTPGo sends its credentials without being asked (Go puts URL user-info in the request), and a
        // Basic challenge would make a browser (Swagger UI's "Try it out") open its login prompt and hang the call.
        http.Response.Headers.WWWAuthenticate = "Bearer realm=\"PowerView hooks\"";
        return ValueTask.FromResult<object?>(TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Missing or wrong hook secret",
            detail: "Send 'Authorization: Bearer <PowerView:HookSecret>', or HTTP Basic credentials with the secret as password."));
    }
}
