using System.Net.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PowerView.Api.Hosting.Security;
using PowerView.Api.Provisioning.Contracts;

namespace PowerView.Api.Provisioning.Api;

/// <summary>
/// The company API, admin key only: what is provisioned per company (ids and uids, never a secret) with its last
/// provisioning run, and the company's Grafana users: added as Viewers of its organization and members of its team,
/// and nothing else. A generated password is in the 201 answer once (<c>Cache-Control: no-store</c>) and nowhere else.
/// </summary>
internal static class CompaniesEndpoints
{
    public const int MinPasswordLength = 8;

    public static RouteGroupBuilder MapCompaniesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/companies")
            .RequireAuthorization(ApiKeys.AdminPolicy)
            .WithTags("Companies")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("", ListCompanies).WithName("ListCompanies")
            .WithSummary("Every company the provisioning knows")
            .WithDescription("Per company: its Grafana organization, team, folder, datasource and dashboard uids, its InfluxDB buckets, tasks and "
                + "token id (never a secret), the campaigns provisioned and its last provisioning run. A company whose provisioning never succeeded "
                + "is listed with provisioned=false and its last run. Admin key.");
        api.MapGet("/{company}", GetCompany).WithName("GetCompany")
            .WithSummary("What is provisioned for one company")
            .WithDescription("The same as one row of /api/companies; 404 when no provisioning of it was ever run. Admin key.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{company}/users", AddUser).WithName("AddCompanyUser")
            .WithSummary("Gives a customer access to the company's dashboards")
            .WithDescription("Creates the Grafana user when missing (in the company's organization, so never in the main one), makes them a Viewer "
                + "of the company's organization and a member of its team, and nothing else. 201 when created, with the generated password when "
                + "none was given (shown once, stored and logged nowhere); 200 when the user existed. 400: a missing login or email, a password "
                + "under 8 characters, or what Grafana refused; 404: the company is not provisioned; 409: the email belongs to another user; "
                + "502: Grafana failed; 503: provisioning is not configured. Admin key.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/{company}/users", ListUsers).WithName("ListCompanyUsers")
            .WithSummary("The company's Grafana users")
            .WithDescription("The members of the company's organization (the provisioner's admin excepted; in team tenancy the team's members), "
                + "each with its role and whether it is in the company's team. 404: the company is not provisioned; 502: Grafana failed; "
                + "503: provisioning is not configured. Admin key.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    public static async Task<Ok<IReadOnlyList<CompanyAnswer>>> ListCompanies(ProvisionedCompanies companies, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<CompanyAnswer>>([.. (await companies.ListAsync(cancellationToken)).Select(CompanyAnswer.From)]);

    public static async Task<Results<Ok<CompanyAnswer>, NotFound>> GetCompany(string company, ProvisionedCompanies companies, CancellationToken cancellationToken) =>
        await companies.GetAsync(company, cancellationToken) is { } found ? TypedResults.Ok(CompanyAnswer.From(found)) : TypedResults.NotFound();

    public static async Task<Results<Created<CompanyUserAnswer>, Ok<CompanyUserAnswer>, ValidationProblem, ProblemHttpResult>> AddUser(
        string company,
        CompanyUserRequest user,
        HttpResponse response,
        CompanyProvisioner provisioner,
        ProvisionedCompanies companies,
        IOptions<GrafanaOptions> grafana,
        CancellationToken cancellationToken)
    {
        if (Validate(user, grafana.Value.AdminUser) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await Unavailable(company, provisioner, companies, cancellationToken) is { } problem)
        {
            return problem;
        }

        try
        {
            var login = user.Login!.Trim();
            var result = await provisioner.EnsureCompanyUserAsync(company, login, user.Email!.Trim(),
                string.IsNullOrWhiteSpace(user.Name) ? login : user.Name.Trim(), user.Password, cancellationToken);
            var answer = CompanyUserAnswer.From(result);
            if (!result.Created)
            {
                return TypedResults.Ok(answer);
            }

            // The generated password is in this answer only: no cache keeps a copy.
            response.Headers.CacheControl = "no-store";
            return TypedResults.Created($"/api/companies/{Uri.EscapeDataString(company)}/users", answer);
        }
        catch (ProvisioningException ex)
        {
            return Failed(company, ex);
        }
    }

    public static async Task<Results<Ok<IReadOnlyList<CompanyUserRow>>, ProblemHttpResult>> ListUsers(
        string company, CompanyProvisioner provisioner, ProvisionedCompanies companies, CancellationToken cancellationToken)
    {
        if (await Unavailable(company, provisioner, companies, cancellationToken) is { } problem)
        {
            return problem;
        }

        try
        {
            var users = await provisioner.ListCompanyUsersAsync(company, cancellationToken);
            return TypedResults.Ok<IReadOnlyList<CompanyUserRow>>([.. users.Select(CompanyUserRow.From)]);
        }
        catch (ProvisioningException ex)
        {
            return Failed(company, ex);
        }
    }

    private static Dictionary<string, string[]> Validate(CompanyUserRequest user, string adminLogin)
    {
        var errors = new Dictionary<string, string[]>();
        var login = user.Login?.Trim();
        if (string.IsNullOrEmpty(login))
        {
            errors["login"] = ["login is required"];
        }
        else if (login.Length > 190 || login.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors["login"] = ["login must be at most 190 characters without spaces or control characters"];
        }
        else if (string.Equals(login, adminLogin, StringComparison.OrdinalIgnoreCase))
        {
            errors["login"] = ["login is the provisioner's own Grafana login (Grafana:AdminUser), not a customer's"];
        }

        var email = user.Email?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            errors["email"] = ["email is required"];
        }
        else if (email.Length > 190 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            || email.IndexOf('@', StringComparison.Ordinal) is var at && (at <= 0 || at == email.Length - 1 || email.LastIndexOf('@') != at))
        {
            errors["email"] = ["email must be an address such as name@example.com"];
        }

        if (user.Name is { Length: > 190 })
        {
            errors["name"] = ["name must be at most 190 characters"];
        }

        if (user.Password is { } password && password.Length < MinPasswordLength)
        {
            errors["password"] = [$"password must be at least {MinPasswordLength} characters (leave it out to have one generated)"];
        }

        return errors;
    }

    /// <summary>503 without Grafana, 404 for a company no provisioning succeeded for: no Grafana call is made then.</summary>
    private static async Task<ProblemHttpResult?> Unavailable(string company, CompanyProvisioner provisioner, ProvisionedCompanies companies, CancellationToken cancellationToken)
    {
        if (provisioner.SkipReason is { } reason)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Provisioning is not configured", detail: reason);
        }

        return await companies.IsProvisionedAsync(company, null, cancellationToken)
            ? null
            : NotProvisioned(company);
    }

    private static ProblemHttpResult NotProvisioned(string company) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Company not provisioned",
            detail: $"No provisioning of '{company}' succeeded yet: create its folder over SFTP, or run 'PowerView.Api provision {company}'.");

    private static ProblemHttpResult Failed(string company, ProvisioningException ex) => ex.InnerException switch
    {
        CompanyNotProvisionedException => NotProvisioned(company),
        CompanyUserConflictException conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email taken", detail: conflict.Message),
        // Grafana refused the user itself (a password its policy rejects, a login it does not take): the request must change.
        GrafanaException { Status: 400 or 422 } refused => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Grafana refused the user",
            detail: refused.GrafanaMessage),
        GrafanaException grafana => TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Grafana failed", detail: grafana.Message),
        HttpRequestException or TaskCanceledException or TimeoutException => TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway,
            title: "Grafana unreachable", detail: ex.InnerException.Message),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Grafana failed", detail: ex.Message),
    };
}
