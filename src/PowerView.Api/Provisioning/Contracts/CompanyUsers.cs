using System.ComponentModel;

namespace PowerView.Api.Provisioning.Contracts;

/// <summary>The body of <c>POST /api/companies/{company}/users</c>: a customer who is to see the company's dashboards.</summary>
internal sealed record CompanyUserRequest
{
    [Description("The Grafana login.")]
    public string? Login { get; init; }

    public string? Email { get; init; }

    [Description("The name Grafana shows; the login when left out.")]
    public string? Name { get; init; }

    [Description("At least 8 characters; left out, one is generated and returned once in the answer.")]
    public string? Password { get; init; }
}

/// <summary>What <c>POST /api/companies/{company}/users</c> did: 201 when the user was created, 200 when they existed.</summary>
internal sealed record CompanyUserAnswer
{
    public required long UserId { get; init; }

    public required string Login { get; init; }

    [Description("Whether this request created the Grafana user.")]
    public required bool Created { get; init; }

    [Description("The password generated for a new user when none was given: shown here once, stored and logged nowhere.")]
    public string? GeneratedPassword { get; init; }

    [Description("The company's Grafana organization, where the user is a Viewer.")]
    public required long OrganizationId { get; init; }

    [Description("The company's team, of which the user is a member.")]
    public required long TeamId { get; init; }

    public static CompanyUserAnswer From(CompanyUserResult r) => new()
    {
        UserId = r.UserId,
        Login = r.Login,
        Created = r.Created,
        GeneratedPassword = r.GeneratedPassword,
        OrganizationId = r.OrganizationId,
        TeamId = r.TeamId,
    };

    // Records print every property: the generated password must never reach a log line through ToString.
    public override string ToString() => $"CompanyUserAnswer {{ UserId = {UserId}, Login = {Login}, Created = {Created} }}";
}

/// <summary>One user of <c>GET /api/companies/{company}/users</c>.</summary>
internal sealed record CompanyUserRow(
    long UserId,
    string Login,
    string Email,
    string Name,
    [property: Description("The user's role in the company's organization (Viewer for the users added here).")] string Role,
    [property: Description("Whether the user is a member of the company's team (which alone may view its folder).")] bool InTeam)
{
    public static CompanyUserRow From(CompanyUser u) => new(u.UserId, u.Login, u.Email, u.Name, u.Role, u.InTeam);
}
