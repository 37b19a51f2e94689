using System.Text.RegularExpressions;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Deploy;

/// <summary>deploy/.env.example is true to itself and to the compose file: the only file an operator fills in before the first `up`.</summary>
public sealed class EnvExampleTests
{
    private static readonly Regex Secret = new("(SECRET|KEY|PASSWORD|TOKEN)$", RegexOptions.CultureInvariant);

    [Fact]
    public void EveryVariableTheComposeFileUsesIsInTheExampleAndEveryExampleVariableIsUsed()
    {
        var compose = File.ReadAllText(ComposeStack.ComposeFile);
        var used = Regex.Matches(compose, @"\$\{([A-Z_]+)(?::?[-?][^}]*)?\}").Select(m => m.Groups[1].Value).ToHashSet();
        var example = ComposeStack.ExampleVariables().Select(v => v.Key).ToList();

        Assert.Equal(example.Count, example.Distinct().Count());
        Assert.Empty(used.Except(example));
        // COMPOSE_PROJECT_NAME and COMPOSE_PROFILES are read by Compose itself.
        Assert.Empty(example.Where(v => !v.StartsWith("COMPOSE_", StringComparison.Ordinal)).Except(used));
        Assert.DoesNotContain("GRAFANA_SERVICE_TOKEN", example);
    }

    [Fact]
    public void EverySecretIsAPlaceholderTheServiceRefusesAndObeysTheStatedCharacters()
    {
        var text = File.ReadAllText(ComposeStack.EnvExample);
        var secrets = ComposeStack.ExampleVariables().Where(v => Secret.IsMatch(v.Key)).ToList();

        Assert.Contains(secrets, s => s.Key == "POWERVIEW_HOOK_SECRET");
        Assert.Contains(secrets, s => s.Key == "POWERVIEW_METRICS_KEY");
        Assert.Contains(secrets, s => s.Key == "GRAFANA_ADMIN_PASSWORD");
        Assert.All(secrets, s => Assert.StartsWith("change-me", s.Value, StringComparison.Ordinal));
        Assert.Equal(secrets.Count, secrets.Select(s => s.Value).Distinct().Count());

        // The file says what a secret is made of, once for all and for the hook secret that may travel in a URL.
        Assert.Contains("at least 32 characters of letters, digits and hyphens", text, StringComparison.Ordinal);
        Assert.Contains("openssl rand -hex 32", text, StringComparison.Ordinal);
        var hookRule = Assert.Single(text.Split('\n'), l => l.StartsWith("# Secret SFTPGo sends", StringComparison.Ordinal));
        Assert.Contains("letters, digits and hyphens", hookRule, StringComparison.Ordinal);
        Assert.All(secrets, s => Assert.Matches("^[A-Za-z0-9-]+$", s.Value));
    }

    /// <summary>The runbook's "Configure" commands, run by bash on a copy of the example: no placeholder is left.</summary>
    [Fact]
    public async Task TheRunbooksConfigureCommandsReplaceEveryPlaceholderWithA64HexDigitSecret()
    {
        using var work = new TempFolder();
        var (output, errors) = await ComposeStack.RunRunbookConfigureAsync(work.Root);

        // The block ends with a grep for placeholders left, which must find nothing.
        Assert.Equal("", output);
        Assert.Equal("", errors);
        var filled = File.ReadAllLines(Path.Combine(work.Root, "deploy", ".env"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        foreach (var (name, value) in ComposeStack.ExampleVariables())
        {
            if (value.StartsWith("change-me", StringComparison.Ordinal))
            {
                Assert.Matches("^[0-9a-f]{64}$", filled[name]);
            }
            else
            {
                Assert.Equal(value, filled[name]);
            }
        }

        var secrets = ComposeStack.ExampleVariables().Where(v => v.Value.StartsWith("change-me", StringComparison.Ordinal)).Select(v => filled[v.Key]).ToList();
        Assert.Equal(8, secrets.Count);
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
    }
}
