using System.Security.Claims;

namespace PowerView.Api.Hosting.Security;

/// <summary>Names shared by the API-key scheme, the policies and the endpoints that use them.</summary>
internal static class ApiKeys
{
    /// <summary><c>Authorization: Bearer &lt;AdminKey or a company key&gt;</c>.</summary>
    public const string Scheme = "ApiKey";

    /// <summary>Any monitoring key: the admin key, or a company key (answers are then limited to that company).</summary>
    public const string ReaderPolicy = "MonitoringReader";

    /// <summary>The admin key only (process-wide views such as <c>/metrics</c>, and changes).</summary>
    public const string AdminPolicy = "MonitoringAdmin";

    /// <summary>The admin key or <c>PowerView:MetricsKey</c> (Prometheus): <c>/metrics</c>.</summary>
    public const string MetricsPolicy = "Metrics";

    public const string AdminRole = "admin";

    public const string MetricsRole = "metrics";

    public const string CompanyClaim = "company";
}

/// <summary>Who is asking: the admin (everything) or one company (its own runs and campaigns only).</summary>
internal sealed record Caller(bool IsAdmin, string? Company)
{
    public static Caller From(ClaimsPrincipal user) =>
        new(user.IsInRole(ApiKeys.AdminRole), user.FindFirst(ApiKeys.CompanyClaim)?.Value);

    /// <summary>Whether a run or campaign of this company may be shown (runs without a company are the admin's).</summary>
    public bool CanSee(string? company) => IsAdmin || (Company is not null && string.Equals(company, Company, StringComparison.Ordinal));

    /// <summary>
    /// The company filter to apply: the requested one for the admin; for a company key its own company,
    /// or null when the request asks only for other companies (nothing to show; same answer as "no such runs").
    /// </summary>
    public IReadOnlyList<string>? Scope(IReadOnlyList<string> requested)
    {
        if (IsAdmin)
        {
            return requested;
        }

        if (Company is null || (requested.Count > 0 && !requested.Contains(Company, StringComparer.Ordinal)))
        {
            return null;
        }

        return [Company];
    }
}
