namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// Tests that need a real program from a Debian package (a server, caddy, chromium): found on PATH, and when it
/// is missing the test is skipped with the install hint, or fails under <c>CI=true</c>, where <c>.ci/run</c>
/// installs everything and every such test must run.
/// </summary>
internal static class InstalledTools
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? FindOnPath(string name)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/sbin", "/usr/local/bin"]);
        return folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>The program's path; otherwise the calling test is skipped with <paramref name="missingReason"/>, or fails under CI.</summary>
    public static string Require(string name, string missingReason) =>
        FindOnPath(name) ?? throw SkipOrFail(missingReason);

    /// <summary>Skips the calling test with a visible reason, or fails it under CI (never returns).</summary>
    public static Exception SkipOrFail(string missingReason)
    {
        if (IsCi)
        {
            Assert.Fail($"{missingReason} (CI=true: .ci/run installs it and these tests must run, so a missing program is a failure)");
        }

        Assert.Skip(missingReason);
        return new InvalidOperationException("unreachable: Assert.Skip throws");
    }
}
