using System.Text;
using System.Text.RegularExpressions;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// A <c>.dockerignore</c> file read and matched the way Docker does it (BuildKit's <c>dockerignore.ReadAll</c> and
/// <c>moby/patternmatcher</c>): one pattern a line, <c>#</c> comments, <c>!</c> exceptions, patterns cleaned like Go's
/// <c>filepath.Clean</c> with a leading <c>/</c> dropped, matched from the top of the context (<c>*</c> and <c>?</c>
/// never cross a <c>/</c>, <c>**</c> matches any number of folders, none included), a pattern that matches a folder
/// excluding everything in it, and the last matching line deciding.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exception)> _patterns;

    private DockerIgnore(List<(Regex, bool)> patterns) => _patterns = patterns;

    public static DockerIgnore None { get; } = new([]);

    public static DockerIgnore Read(string path) => File.Exists(path) ? Parse(File.ReadAllText(path)) : None;

    public static DockerIgnore Parse(string text)
    {
        var patterns = new List<(Regex, bool)>();
        foreach (var raw in text.TrimStart('\uFEFF').Split('\n'))
        {
            // Comments are recognised before the line is trimmed, as BuildKit does.
            if (raw.StartsWith('#'))
            {
                continue;
            }

            var pattern = raw.Trim();
            if (pattern.Length == 0)
            {
                continue;
            }

            var exception = pattern[0] == '!';
            if (exception)
            {
                pattern = pattern[1..].Trim();
                if (pattern.Length == 0)
                {
                    throw new FormatException("illegal exclusion pattern: \"!\"");
                }
            }

            pattern = CleanPath(pattern);
            if (pattern.Length > 1 && pattern[0] == '/')
            {
                pattern = pattern[1..];
            }

            patterns.Add((Compile(pattern), exception));
        }

        return new DockerIgnore(patterns);
    }

    /// <summary>True when a file or folder at <paramref name="relativePath"/> (from the context root, <c>/</c> separated) is left out of the context.</summary>
    public bool Excludes(string relativePath)
    {
        var path = CleanPath(relativePath.Replace('\\', '/'));
        var slash = path.LastIndexOf('/');
        var parentDirs = slash < 0 ? [] : path[..slash].Split('/');
        var matched = false;
        foreach (var (pattern, exception) in _patterns)
        {
            // An exclusion cannot change a path already excluded, nor an exception one that is not.
            if (exception != matched)
            {
                continue;
            }

            var match = pattern.IsMatch(path);
            for (var i = 0; !match && i < parentDirs.Length; i++)
            {
                match = pattern.IsMatch(string.Join('/', parentDirs[..(i + 1)]));
            }

            if (match)
            {
                matched = !exception;
            }
        }

        return matched;
    }

    /// <summary>moby/patternmatcher's translation of a pattern to a regular expression.</summary>
    private static Regex Compile(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            switch (ch)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++; // "**/" is "**"
                    }

                    // "**" at the end matches everything below; elsewhere any number of folders, none included.
                    regex.Append(i + 1 == pattern.Length ? ".*" : "(.*/)?");
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '\\':
                    if (i + 1 < pattern.Length)
                    {
                        regex.Append('\\').Append(pattern[++i]);
                    }
                    else
                    {
                        regex.Append(@"\\");
                    }

                    break;
                // The characters that mean something to a regular expression and nothing to filepath.Match;
                // everything else, brackets included, goes through as is (moby's shouldEscape).
                case '.' or '+' or '(' or ')' or '|' or '{' or '}' or '$':
                    regex.Append('\\').Append(ch);
                    break;
                default:
                    regex.Append(ch);
                    break;
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>Go's <c>filepath.Clean</c> for <c>/</c> paths: no empty or <c>.</c> segments, <c>..</c> resolved lexically.</summary>
    private static string CleanPath(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else if (!rooted)
                {
                    parts.Add(part);
                }

                continue;
            }

            parts.Add(part);
        }

        var cleaned = (rooted ? "/" : "") + string.Join('/', parts);
        return cleaned.Length == 0 ? "." : cleaned;
    }
}
