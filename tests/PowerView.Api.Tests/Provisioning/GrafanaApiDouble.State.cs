using System.Text.Json.Nodes;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>What tests may look at or arrange directly, as an operator with database access would.</summary>
public sealed partial class GrafanaApiDouble
{
    public IReadOnlyList<string> OrganizationNames { get { lock (_gate) { return [.. _orgs.Select(o => o.Name)]; } } }

    public long? OrganizationId(string name) { lock (_gate) { return _orgs.FirstOrDefault(o => o.Name == name)?.Id; } }

    /// <summary>The organizations a login belongs to, by name.</summary>
    public IReadOnlyList<string> OrganizationsOf(string login)
    {
        lock (_gate)
        {
            var user = _users.Single(u => u.Login == login);
            return [.. _orgs.Where(o => o.Members.ContainsKey(user.Id)).Select(o => o.Name)];
        }
    }

    public string? RoleOf(string login, long orgId)
    {
        lock (_gate)
        {
            var user = _users.Single(u => u.Login == login);
            return _orgs.Single(o => o.Id == orgId).Members.GetValueOrDefault(user.Id);
        }
    }

    public IReadOnlyList<string> TeamNames(long orgId) { lock (_gate) { return [.. Org(orgId).Teams.Select(t => t.Name)]; } }

    public IReadOnlyList<string> TeamMemberLogins(long orgId, string team)
    {
        lock (_gate)
        {
            return [.. Org(orgId).Teams.Single(t => t.Name == team).Members.Select(id => _users.Single(u => u.Id == id).Login)];
        }
    }

    public IReadOnlyList<(string Uid, string Title)> Folders(long orgId) { lock (_gate) { return [.. Org(orgId).Folders.Select(f => (f.Uid, f.Title))]; } }

    /// <summary>The folder's grants as (teamName or "", userLogin or "", role or "", permission).</summary>
    public IReadOnlyList<(string Team, string User, string Role, int Permission)> FolderGrants(long orgId, string uid)
    {
        lock (_gate)
        {
            var org = Org(orgId);
            return [.. org.Folders.Single(f => f.Uid == uid).Grants.Select(g => (
                org.Teams.FirstOrDefault(t => t.Id == g.TeamId)?.Name ?? "",
                _users.FirstOrDefault(u => u.Id == g.UserId)?.Login ?? "",
                g.Role,
                g.Permission))];
        }
    }

    /// <summary>Each datasource as Grafana would answer it (no secret in it).</summary>
    public IReadOnlyList<JsonObject> Datasources(long orgId) { lock (_gate) { var org = Org(orgId); return [.. org.Datasources.Select(d => Dto(org, d))]; } }

    /// <summary>A secret as Grafana stored it: what the datasource presents to InfluxDB or the API.</summary>
    public string? SecretOf(long orgId, string datasourceUid, string key)
    {
        lock (_gate)
        {
            return Org(orgId).Datasources.FirstOrDefault(d => d.Uid == datasourceUid)?.Secure.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<(string Uid, string FolderUid, long Version, JsonObject Json)> Dashboards(long orgId)
    {
        lock (_gate)
        {
            return [.. Org(orgId).Dashboards.Select(d => (d.Uid, d.FolderUid, d.Version, d.Json.DeepClone().AsObject()))];
        }
    }

    /// <summary>An organization created by someone else: the provisioner's admin is not a member of it.</summary>
    public long CreateOrganizationDirectly(string name)
    {
        lock (_gate)
        {
            var org = new DOrg(NextId(), name);
            _orgs.Add(org);
            return org.Id;
        }
    }

    public long CreateUserDirectly(string login, string email, string password, long orgId, string role = "Viewer")
    {
        lock (_gate)
        {
            var user = new DUser(NextId(), login, email, login, password, IsServerAdmin: false) { CurrentOrgId = orgId };
            _users.Add(user);
            Org(orgId).Members[user.Id] = role;
            return user.Id;
        }
    }

    public void RenameFolder(long orgId, string uid, string title) { lock (_gate) { Org(orgId).Folders.Single(f => f.Uid == uid).Title = title; } }

    /// <summary>The secret is lost (a datasource edited by hand and saved without it, or restored from a backup).</summary>
    public void ForgetSecret(long orgId, string datasourceUid, string key) { lock (_gate) { Org(orgId).Datasources.Single(d => d.Uid == datasourceUid).Secure.Remove(key); } }

    public void DeleteDatasource(long orgId, string uid) { lock (_gate) { Org(orgId).Datasources.RemoveAll(d => d.Uid == uid); } }

    private DOrg Org(long orgId) => _orgs.Single(o => o.Id == orgId);
}
