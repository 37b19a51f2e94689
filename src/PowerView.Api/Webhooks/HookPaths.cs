using Microsoft.Extensions.Options;
using PowerView.Api.Ingestion;

namespace PowerView.Api.Webhooks;

/// <summary>
/// Turns the path of an SFTPGo event into a path under <c>PowerView:DataRoot</c> (see <see cref="HooksOptions"/>),
/// then lets <see cref="DataLayout.TryRelative"/> refuse what leaves the root ('..', symbolic links). The body is
/// a hint, not the truth: nothing outside the data root is ever touched because of it.
/// </summary>
internal sealed class HookPaths(DataLayout layout, IOptions<HooksOptions> options)
{
    /// <param name="path">Filesystem path as SFTPGo sees it (<c>path</c> or <c>target_path</c>). A relative path is
    /// taken relative to the data root (SFTPGo never sends one; it makes hand-written calls easy).</param>
    /// <param name="virtualPath">The matching virtual path, used with <see cref="HooksOptions.UseVirtualPath"/>.</param>
    /// <param name="field">The field's name, for messages.</param>
    /// <returns>The path relative to the data root with '/' separators, or null and why (answered 400).</returns>
    public string? Resolve(string? path, string? virtualPath, string? username, string field, out string? problem)
    {
        var o = options.Value;
        if (o.UseVirtualPath)
        {
            return FromVirtualPath(virtualPath, username, "virtual_" + field, out problem);
        }

        if (string.IsNullOrEmpty(path))
        {
            problem = $"'{field}' is missing";
            return null;
        }

        if (o.SftpGoDataRoot.Length > 0 && path.StartsWith('/'))
        {
            var root = o.SftpGoDataRoot.TrimEnd('/');
            var normalized = NormalizeUnixPath(path);
            if (normalized is null || !normalized.StartsWith(root + "/", StringComparison.Ordinal))
            {
                problem = $"'{path}' is outside SFTPGo's data root '{root}' (Hooks:SftpGoDataRoot)";
                return null;
            }

            path = normalized[(root.Length + 1)..];
        }

        return layout.TryRelative(path, out problem);
    }

    private string? FromVirtualPath(string? virtualPath, string? username, string field, out string? problem)
    {
        if (string.IsNullOrEmpty(username) || username is "." or ".." || username.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            problem = $"'username' must name the user's folder under the data root (got '{username}')";
            return null;
        }

        if (string.IsNullOrEmpty(virtualPath))
        {
            problem = $"'{field}' is missing";
            return null;
        }

        var relative = layout.TryRelative(username + "/" + virtualPath.TrimStart('/'), out problem);
        if (relative is not null && relative != username && !relative.StartsWith(username + "/", StringComparison.Ordinal))
        {
            problem = $"'{virtualPath}' leaves the folder of user '{username}'";
            return null;
        }

        return relative;
    }

    /// <summary>Resolves '.' and '..' the way SFTPGo's side would; null when '..' climbs above '/'.</summary>
    private static string? NormalizeUnixPath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }

                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }
}
