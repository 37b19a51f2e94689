using System.Text.Json;
using System.Text.RegularExpressions;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Hosting;

/// <summary>The requests in <c>http/</c> cover every operation of the OpenAPI document and use only variables that exist.</summary>
public sealed partial class HttpRequestsTests
{
    private static IEnumerable<string> HttpFiles => Directory.EnumerateFiles(RepositoryFiles.Path("http"), "*.http");

    [Fact]
    public async Task EveryOperationOfTheDocumentHasARequestInHttp()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement;
        var requests = HttpFiles.SelectMany(File.ReadAllLines)
            .Select(l => RequestLine().Match(l))
            .Where(m => m.Success)
            .Select(m => (Method: m.Groups[1].Value, Path: m.Groups[2].Value))
            .ToList();

        var missing = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Method: op.Name.ToUpperInvariant(), Template: path.Name)))
            .Where(op => !requests.Any(r => r.Method == op.Method && Matches(op.Template, r.Path)))
            .Select(op => $"{op.Method} {op.Template}")
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void EveryVariableOfTheRequestsIsDefinedInTheEnvironmentFileTheFileOrByANamedRequest()
    {
        using var environment = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("http/http-client.env.json")));
        var defined = environment.RootElement.GetProperty("dev").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        foreach (var file in HttpFiles)
        {
            var text = File.ReadAllText(file);
            var named = NamedRequest().Matches(text).Concat(FileVariable().Matches(text)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            var undefined = Variable().Matches(text).Select(m => m.Groups[1].Value)
                .Where(v => !defined.Contains(v) && !named.Contains(v.Split('.')[0]))
                .Distinct().ToList();
            Assert.True(undefined.Count == 0, $"{Path.GetFileName(file)} uses undefined {string.Join(", ", undefined)}");
        }
    }

    /// <summary><c>/api/runs/{id}</c> matches <c>/api/runs/{{newest…}}</c> and <c>/api/runs/does-not-exist</c>; a query string is ignored.</summary>
    private static bool Matches(string template, string path)
    {
        var pattern = "^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/?]+") + "(\\?.*)?$";
        return Regex.IsMatch(path, pattern);
    }

    [GeneratedRegex(@"^(GET|POST|PUT|PATCH|DELETE) \{\{host\}\}(\S+)")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"\{\{([A-Za-z][\w.$\[\]]*)\}\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"# @name (\w+)")]
    private static partial Regex NamedRequest();

    /// <summary>A variable of the file itself (<c>@name = value</c>, HTTP files of Visual Studio, Rider and REST Client).</summary>
    [GeneratedRegex(@"^@(\w+)\s*=", RegexOptions.Multiline)]
    private static partial Regex FileVariable();
}
