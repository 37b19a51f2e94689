using System.Net;
using System.Text.Json.Nodes;

namespace PowerView.Api.Provisioning;

internal sealed partial class GrafanaClient
{
    /// <summary>The organization named exactly <paramref name="name"/>, created when missing (server admin only).</summary>
    public async Task<Ensured<long>> EnsureOrganizationAsync(string name, CancellationToken ct)
    {
        if (await FindOrganizationAsync(name, ct) is { } found)
        {
            return new(found, Created: false);
        }

        var created = await SendAsync(HttpMethod.Post, "api/orgs", null, new { name }, ct);
        if (created.IsSuccess)
        {
            return new(created.Require("create organization " + name).AsObject().Long("orgId"), Created: true);
        }

        // 409 "Organization name taken": another process created it between our lookup and our create.
        if (created.Is(HttpStatusCode.Conflict) && await FindOrganizationAsync(name, ct) is { } raced)
        {
            return new(raced, Created: false);
        }

        throw created.Failure("create organization " + name);
    }

    public async Task<long?> FindOrganizationAsync(string name, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Get, "api/orgs/name/" + Escape(name), null, null, ct);
        return answer.Is(HttpStatusCode.NotFound) ? null : answer.Require("look up organization " + name).AsObject().Long("id");
    }

    /// <summary>The members of an organization (server admin), each with its role.</summary>
    public async Task<IReadOnlyList<GrafanaOrgUser>> GetOrganizationUsersAsync(long orgId, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Get, $"api/orgs/{orgId}/users", null, null, ct);
        return [.. answer.Require($"list the users of organization {orgId}").AsArray().OfType<JsonObject>().Select(GrafanaOrgUser.From)];
    }

    /// <summary>Adds a user to an organization with a role; false when they were already a member (409).</summary>
    public async Task<bool> AddOrganizationUserAsync(long orgId, string login, string role, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Post, $"api/orgs/{orgId}/users", null, new { loginOrEmail = login, role }, ct);
        if (answer.IsSuccess)
        {
            return true;
        }

        return answer.Is(HttpStatusCode.Conflict) ? false : throw answer.Failure($"add {login} to organization {orgId}");
    }

    /// <summary>
    /// Makes the provisioner's admin login an Admin of the organization, so that <c>X-Grafana-Org-Id</c> works in
    /// it: Grafana adds whoever creates an organization, but one created by someone else may lack us.
    /// </summary>
    public async Task<bool> EnsureAdminMembershipAsync(long orgId, CancellationToken ct)
    {
        var admin = options.Value.AdminUser;
        var users = await GetOrganizationUsersAsync(orgId, ct);
        if (users.Any(u => string.Equals(u.Login, admin, StringComparison.OrdinalIgnoreCase)
            || string.Equals(u.Email, admin, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        return await AddOrganizationUserAsync(orgId, admin, "Admin", ct);
    }
}

/// <summary>The id (or uid) of an object and whether this call created it.</summary>
internal readonly record struct Ensured<T>(T Id, bool Created);

internal sealed record GrafanaOrgUser(long UserId, string Login, string Email, string Name, string Role)
{
    public static GrafanaOrgUser From(JsonObject o) =>
        new(o.Long("userId"), o.Str("login") ?? "", o.Str("email") ?? "", o.Str("name") ?? "", o.Str("role") ?? "");
}
