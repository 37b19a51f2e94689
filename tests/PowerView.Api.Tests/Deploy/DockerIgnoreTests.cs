using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// The .dockerignore matcher the build-stage test relies on, against the examples of Docker's documentation
/// ("Dockerfile reference", .dockerignore file) and moby/patternmatcher's rules; then the repository's own file.
/// </summary>
public sealed class DockerIgnoreTests
{
    [Theory]
    // */temp*: names starting with temp in any immediate subfolder of the root.
    [InlineData("*/temp*", "somedir/temporary.txt", true)]
    [InlineData("*/temp*", "somedir/temp", true)]
    [InlineData("*/temp*", "somedir/temp/inside.txt", true)]
    [InlineData("*/temp*", "temporary.txt", false)]
    [InlineData("*/temp*", "a/b/temporary.txt", false)]
    // */*/temp*: two levels below the root.
    [InlineData("*/*/temp*", "somedir/subdir/temporary.txt", true)]
    [InlineData("*/*/temp*", "somedir/temporary.txt", false)]
    // temp?: one character after temp, in the root only.
    [InlineData("temp?", "tempa", true)]
    [InlineData("temp?", "tempb", true)]
    [InlineData("temp?", "temp", false)]
    [InlineData("temp?", "dir/tempa", false)]
    // **: any number of folders, none included.
    [InlineData("**/*.go", "main.go", true)]
    [InlineData("**/*.go", "a/b/c/main.go", true)]
    [InlineData("**/obj", "obj/project.assets.json", true)]
    [InlineData("**/obj", "src/PowerView.Api/obj/project.assets.json", true)]
    [InlineData("**/obj", "src/objects/x.cs", false)]
    // A pattern without **/ matches from the root only, whatever git would do; a trailing / is cleaned away.
    [InlineData("obj", "src/PowerView.Api/obj/x", false)]
    [InlineData("bin/", "bin/x.dll", true)]
    [InlineData("bin/", "src/bin/x.dll", false)]
    [InlineData("/var", "var/state/runs.db", true)]
    [InlineData("./var", "var/state/runs.db", true)]
    [InlineData("**/.env", "deploy/.env", true)]
    [InlineData("**/.env", "deploy/.env.example", false)]
    [InlineData("*.md", "README.md", true)]
    [InlineData("*.md", "docs/README.md", false)]
    [InlineData("a.b", "axb", false)]
    public void OnePatternMatchesAsDockerSays(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Parse(pattern).Excludes(path));

    [Fact]
    public void ExceptionsAndTheLastMatchingLineDecide()
    {
        // The documentation's examples: every markdown file but README.md; then README files but README-secret.md.
        var readme = DockerIgnore.Parse("*.md\n!README.md\n");
        Assert.True(readme.Excludes("CHANGELOG.md"));
        Assert.False(readme.Excludes("README.md"));

        var secret = DockerIgnore.Parse("*.md\n!README*.md\nREADME-secret.md\n");
        Assert.True(secret.Excludes("CHANGELOG.md"));
        Assert.False(secret.Excludes("README-public.md"));
        Assert.True(secret.Excludes("README-secret.md"));

        // "!README*.md" before "*.md": the later *.md wins.
        Assert.True(DockerIgnore.Parse("!README*.md\n*.md\n").Excludes("README.md"));
    }

    [Fact]
    public void CommentsAndBlankLinesAreNotPatterns()
    {
        var ignore = DockerIgnore.Parse("# comment\n\n   \nsecret\n");
        Assert.False(ignore.Excludes("# comment"));
        Assert.False(ignore.Excludes("comment"));
        Assert.True(ignore.Excludes("secret"));
        Assert.Throws<FormatException>(() => DockerIgnore.Parse("!\n"));
    }

    [Theory]
    [InlineData("src/PowerView.Api/obj/project.assets.json", true)]
    [InlineData("src/PowerView.Api/bin/Debug/net10.0/PowerView.Api.dll", true)]
    [InlineData("tests/PowerView.Api.Tests/bin/Debug/net10.0/x.dll", true)]
    [InlineData("var/state/runs.db", true)]
    [InlineData("var/data/company1/campaign1/02001171/T302_251012_031720.tsv", true)]
    [InlineData(".git/HEAD", true)]
    [InlineData(".git", true)]
    [InlineData("deploy/.env", true)]
    [InlineData("TestResults/x.trx", true)]
    [InlineData("src/PowerView.Api/PowerView.Api.csproj", false)]
    [InlineData("src/PowerView.Api/Program.cs", false)]
    [InlineData("appsettings.json", false)]
    [InlineData("global.json", false)]
    [InlineData("Directory.Build.props", false)]
    [InlineData("Directory.Packages.props", false)]
    [InlineData(".editorconfig", false)]
    [InlineData("deploy/.env.example", false)]
    public void TheRepositoryDockerignoreKeepsTheSourcesAndLeavesOutBuildOutputStateAndSecrets(string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Read(RepositoryFiles.Path(".dockerignore")).Excludes(path));
}
