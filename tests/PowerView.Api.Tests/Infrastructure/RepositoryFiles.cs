namespace PowerView.Api.Tests.Infrastructure;

/// <summary>Files of the repository itself (deploy/, Caddyfile, http/), found from the test binaries.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "PowerView.Api.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PowerView.Api.sln not found above " + AppContext.BaseDirectory);
    }
}
