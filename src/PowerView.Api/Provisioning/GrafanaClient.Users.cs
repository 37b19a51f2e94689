using System.Net;
using System.Text.Json.Nodes;

namespace PowerView.Api.Provisioning;

internal sealed partial class GrafanaClient
{
    /// <summary>A user by login or email (server admin), or null.</summary>
    public async Task<GrafanaUser?> LookupUserAsync(string loginOrEmail, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Get, "api/users/lookup?loginOrEmail=" + Escape(loginOrEmail), null, null, ct);
        return answer.Is(HttpStatusCode.NotFound) ? null : GrafanaUser.From(answer.Require("look up user " + loginOrEmail).AsObject());
    }

    /// <summary>
    /// Creates a user whose only organization is <paramref name="orgId"/> (so they never land in the main one);
    /// null when a user with this login or email exists already (412).
    /// </summary>
    public async Task<long?> CreateUserAsync(string login, string email, string name, string password, long orgId, CancellationToken ct)
    {
        // The password travels in the body only; SendAsync logs the method and path.
        var body = new JsonObject { ["name"] = name, ["email"] = email, ["login"] = login, ["password"] = password, ["OrgId"] = orgId };
        var answer = await SendAsync(HttpMethod.Post, "api/admin/users", null, body, ct);
        if (answer.IsSuccess)
        {
            return answer.Require("create user " + login).AsObject().Long("id");
        }

        return answer.Is(HttpStatusCode.PreconditionFailed) ? null : throw answer.Failure("create user " + login);
    }
}

internal sealed record GrafanaUser(long Id, string Login, string Email, string Name)
{
    public static GrafanaUser From(JsonObject o) => new(o.Long("id"), o.Str("login") ?? "", o.Str("email") ?? "", o.Str("name") ?? "");
}
