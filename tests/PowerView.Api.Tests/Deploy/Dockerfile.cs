using System.Text;
using System.Text.Json;

namespace PowerView.Api.Tests.Deploy;

/// <summary>One instruction of a Dockerfile: its keyword (upper case), its arguments as written (continuations joined), its first line.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line)
{
    /// <summary>The JSON array of the exec form (<c>["dotnet", "x.dll"]</c>), or null for the shell form.</summary>
    public string[]? ExecForm => Arguments.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(Arguments) : null;

    public override string ToString() => $"line {Line}: {Keyword} {Arguments}";
}

/// <summary>A stage: <c>FROM image [AS name]</c> and the instructions up to the next <c>FROM</c>.</summary>
internal sealed record DockerStage(string BaseImage, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);
}

/// <summary>
/// A Dockerfile read as Docker's parser does for what this repository uses: <c>#</c> comment lines (also inside
/// a continued instruction), <c>\</c> at the end of a line continuing it, keywords in any case.
/// </summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerStage> stages) => Stages = stages;

    public IReadOnlyList<DockerStage> Stages { get; }

    public DockerStage Final => Stages[^1];

    public DockerStage Stage(string name) => Stages.Single(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    public static Dockerfile Read(string path) => Parse(File.ReadAllText(path));

    public static Dockerfile Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var current = new StringBuilder();
        var start = 0;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var trimmed = line.Trim();
            if (trimmed.StartsWith('#') || (trimmed.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (current.Length == 0)
            {
                start = n + 1;
            }

            var continued = trimmed.EndsWith('\\');
            current.Append(continued ? trimmed[..^1].TrimEnd() : trimmed).Append(' ');
            if (!continued)
            {
                Add(instructions, current.ToString().Trim(), start);
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            Add(instructions, current.ToString().Trim(), start);
        }

        var stages = new List<DockerStage>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var name = words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                stages.Add(new DockerStage(words[0], name, []));
            }
            else if (stages.Count == 0)
            {
                throw new FormatException($"{instruction}: an instruction before the first FROM");
            }
            else
            {
                var last = stages[^1];
                stages[^1] = last with { Instructions = [.. last.Instructions, instruction] };
            }
        }

        return new Dockerfile(stages);
    }

    private static void Add(List<DockerInstruction> instructions, string text, int line)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var keyword = (space < 0 ? text : text[..space]).ToUpperInvariant();
        var arguments = space < 0 ? "" : text[(space + 1)..].Trim();
        instructions.Add(new DockerInstruction(keyword, arguments, line));
    }

    /// <summary>
    /// The words of a shell-form command, for commands that are one program and its arguments (quotes
    /// allowed). Anything that needs a shell (operators, expansions, globs) is refused rather than guessed.
    /// </summary>
    public static string[] SimpleCommandWords(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var ch in command)
        {
            if (quote is { } q)
            {
                if (ch == q)
                {
                    quote = null;
                }
                else
                {
                    word.Append(ch);
                }

                continue;
            }

            if (ch is '\'' or '"')
            {
                quote = ch;
                inWord = true;
            }
            else if (char.IsWhiteSpace(ch))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else if ("&|;<>$`*?()\\".Contains(ch, StringComparison.Ordinal))
            {
                throw new NotSupportedException($"'{command}' needs a shell ('{ch}'): the build-stage emulation runs single commands only");
            }
            else
            {
                word.Append(ch);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new FormatException($"unterminated quote in '{command}'");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
