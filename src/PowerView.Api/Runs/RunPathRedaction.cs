using PowerView.Api.Configuration;

namespace PowerView.Api.Runs;

/// <summary>
/// The texts of a run (error, message, warnings) are read by the customers' engineers through their company key, and
/// many of them quote an exception's message, which names the server's absolute paths. The history keeps paths relative
/// to the data root (as <see cref="RunRecord.FilePath"/> is) and names the state folder <c>&lt;StateDir&gt;</c>; the
/// log, read by operators only, keeps the absolute paths.
/// </summary>
internal static class RunPathRedaction
{
    public const string StateDirName = "<StateDir>";

    public static RunRecord Redact(RunRecord run, PowerViewPaths paths)
    {
        string? Clean(string? text) => text is null ? null : Redact(text, paths);
        var warnings = run.Warnings.Select(w => Redact(w, paths)).ToArray();
        return run with
        {
            Error = Clean(run.Error),
            Message = Clean(run.Message),
            Warnings = warnings.SequenceEqual(run.Warnings, StringComparer.Ordinal) ? run.Warnings : warnings,
        };
    }

    public static string Redact(string text, PowerViewPaths paths)
    {
        // The data root first and with its separator: "/srv/data/acme/x.tsv" becomes "acme/x.tsv"; the root alone
        // (a message about the root itself) becomes ".". The state folder may lie under the data root or the other way.
        foreach (var (root, name) in Longest((paths.DataRoot, "."), (paths.StateDir, StateDirName)))
        {
            if (root.Length <= 1)
            {
                continue;
            }

            text = text.Replace(root + Path.DirectorySeparatorChar, name == "." ? "" : name + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            text = ReplaceWhole(text, root, name);
        }

        return text;
    }

    private static IEnumerable<(string Root, string Name)> Longest(params (string Root, string Name)[] roots) =>
        roots.OrderByDescending(r => r.Root.Length);

    /// <summary>Replaces the folder itself only where it ends there (not "/srv/data" inside "/srv/data-old").</summary>
    private static string ReplaceWhole(string text, string root, string name)
    {
        var at = text.IndexOf(root, StringComparison.Ordinal);
        while (at >= 0)
        {
            var end = at + root.Length;
            if (end == text.Length || !IsPathCharacter(text[end]))
            {
                text = string.Concat(text.AsSpan(0, at), name, text.AsSpan(end));
                end = at + name.Length;
            }

            at = text.IndexOf(root, end, StringComparison.Ordinal);
        }

        return text;
    }

    private static bool IsPathCharacter(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '.';
}
