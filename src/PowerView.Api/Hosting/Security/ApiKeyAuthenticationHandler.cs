using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;

namespace PowerView.Api.Hosting.Security;

/// <summary>
/// Reads <c>Authorization: Bearer &lt;key&gt;</c> and compares it in constant time with
/// <c>PowerView:AdminKey</c>, <c>PowerView:MetricsKey</c> and every <c>PowerView:CompanyKeys:&lt;company&gt;</c>. The admin gets
/// the role <c>admin</c>, the metrics key the role <c>metrics</c> (only <c>/metrics</c> accepts it); a company key gets
/// the claim <c>company=&lt;name&gt;</c>, and so does a key the service made for a company (<see cref="ICompanyKeyDirectory"/>,
/// known by its hash only). A missing or wrong key is answered 401 ProblemDetails with <c>WWW-Authenticate: Bearer</c>.
/// Keys are never logged.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<PowerViewOptions> powerView,
    IProblemDetailsService problems,
    IEnumerable<ICompanyKeyDirectory> createdKeys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = Hash(header[BearerPrefix.Length..].Trim());
        var settings = powerView.CurrentValue;
        // Every key is compared, whichever matches, so the time taken says nothing about which one is close.
        var isAdmin = Matches(presented, settings.AdminKey);
        var isMetrics = Matches(presented, settings.MetricsKey);
        string? company = null;
        foreach (var (name, key) in settings.CompanyKeys)
        {
            if (Matches(presented, key))
            {
                company = name;
            }
        }

        // Asked whatever matched above, for the same reason; the directory compares the hashes in constant time too.
        foreach (var directory in createdKeys)
        {
            if (await directory.FindCompanyAsync(presented, Context.RequestAborted) is { } created)
            {
                company ??= created;
            }
        }

        if (!isAdmin && !isMetrics && company is null)
        {
            return AuthenticateResult.Fail("the bearer key is not a monitoring key");
        }

        Claim[] claims = isAdmin
            ? [new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, ApiKeys.AdminRole)]
            : company is not null
                ? [new Claim(ClaimTypes.Name, "company:" + company), new Claim(ApiKeys.CompanyClaim, company)]
                : [new Claim(ClaimTypes.Name, "metrics"), new Claim(ClaimTypes.Role, ApiKeys.MetricsRole)];
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var wrongKey = result.Failure is not null;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = wrongKey ? "Bearer error=\"invalid_token\"" : "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = wrongKey
                    ? "The bearer key is not accepted."
                    : "Send 'Authorization: Bearer <key>' with the admin key or a company key.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Detail = "This endpoint needs the admin key.",
            },
        });
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    // Hashing first gives both sides the same length, so FixedTimeEquals never returns early on a length mismatch.
    private static bool Matches(byte[] presented, string? key) =>
        !string.IsNullOrEmpty(key) && CryptographicOperations.FixedTimeEquals(presented, Hash(key));
}
