using System.Net;
using System.Text.Json.Nodes;

namespace PowerView.Api.Provisioning;

internal sealed partial class GrafanaClient
{
    /// <summary>The team named exactly <paramref name="name"/> in the organization, created when missing.</summary>
    public async Task<Ensured<long>> EnsureTeamAsync(long orgId, string name, CancellationToken ct)
    {
        if (await FindTeamAsync(orgId, name, ct) is { } found)
        {
            return new(found, Created: false);
        }

        // The team lands in the organization of the header; an orgId in the body is ignored (grafana.md §2.4).
        var created = await SendAsync(HttpMethod.Post, "api/teams", orgId, new { name }, ct);
        if (created.IsSuccess)
        {
            return new(created.Require("create team " + name).AsObject().Long("teamId"), Created: true);
        }

        if (created.Is(HttpStatusCode.Conflict) && await FindTeamAsync(orgId, name, ct) is { } raced)
        {
            return new(raced, Created: false);
        }

        throw created.Failure("create team " + name);
    }

    public async Task<long?> FindTeamAsync(long orgId, string name, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Get, "api/teams/search?name=" + Escape(name), orgId, null, ct);
        // Searching by name answers 404 when there is none, an empty list on some versions: both mean missing.
        if (answer.Is(HttpStatusCode.NotFound))
        {
            return null;
        }

        var teams = answer.Require("look up team " + name)["teams"]?.AsArray().OfType<JsonObject>() ?? [];
        return teams.FirstOrDefault(t => t.Str("name") == name) is { } team ? team.Long("id") : null;
    }

    public async Task<IReadOnlyList<long>> GetTeamMemberIdsAsync(long orgId, long teamId, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Get, $"api/teams/{teamId}/members", orgId, null, ct);
        return [.. answer.Require($"list the members of team {teamId}").AsArray().OfType<JsonObject>().Select(m => m.Long("userId"))];
    }

    /// <summary>Adds a member by numeric id; false when they already were one (400 "already added").</summary>
    public async Task<bool> AddTeamMemberAsync(long orgId, long teamId, long userId, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Post, $"api/teams/{teamId}/members", orgId, new { userId }, ct);
        if (answer.IsSuccess)
        {
            return true;
        }

        return answer.Is(HttpStatusCode.BadRequest) && answer.SaysAlreadyExists
            ? false
            : throw answer.Failure($"add user {userId} to team {teamId}");
    }
}
