using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// deploy/docker-compose.yml as Debian 12's docker-compose 1.29 reads it (its own <c>config</c>, for real) and as
/// the Compose Specification describes it (its JSON schema). Compose v2 (<c>docker compose</c>) cannot run here:
/// the specification's schema stands for it.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string[] Services = ["api", "api2", "caddy", "grafana", "influxdb", "postgres", "sftpgo"];

    [Fact]
    public async Task DockerCompose129AcceptsTheFileWithTheExampleEnvironmentAndNothingUnset()
    {
        var (exitCode, output, errors) = await ComposeStack.ConfigAsync();

        Assert.True(exitCode == 0, errors);
        // docker-compose warns "The X variable is not set. Defaulting to a blank string." for every gap of .env.example.
        Assert.DoesNotContain("variable is not set", errors, StringComparison.Ordinal);
        var config = YamlJson.Load(output)!.AsObject();
        Assert.Equal(Services, config["services"]!.AsObject().Select(s => s.Key).Order(StringComparer.Ordinal));

        // The API gets Grafana's server admin, the same account Grafana creates, and no token to make by hand.
        var api = ComposeStack.Service(config, "api");
        var grafana = ComposeStack.Service(config, "grafana");
        Assert.Equal("http://grafana:3000", ComposeStack.Env(api, "Grafana__Url"));
        Assert.Equal(ComposeStack.Env(grafana, "GF_SECURITY_ADMIN_USER"), ComposeStack.Env(api, "Grafana__AdminUser"));
        Assert.Equal(ComposeStack.Env(grafana, "GF_SECURITY_ADMIN_PASSWORD"), ComposeStack.Env(api, "Grafana__AdminPassword"));
        Assert.Equal("http://influxdb:8086", ComposeStack.Env(api, "Grafana__InfluxUrl"));
        Assert.Equal("http://api:8080", ComposeStack.Env(api, "Grafana__ApiUrl"));
        Assert.Null(ComposeStack.Env(api, "Grafana__Token"));
        Assert.StartsWith("change-me", ComposeStack.Env(api, "PowerView__MetricsKey"), StringComparison.Ordinal);
        Assert.Equal("InMemory", ComposeStack.Env(api, "Jobs__Storage"));
        Assert.Equal("Sqlite", ComposeStack.Env(api, "Runs__Storage"));

        // Customers never join the main organization; the Infinity plugin is there before provisioning reads its datasource.
        Assert.Equal("false", ComposeStack.Env(grafana, "GF_USERS_AUTO_ASSIGN_ORG"));
        Assert.Equal("yesoreyeram-infinity-datasource", ComposeStack.Env(grafana, "GF_PLUGINS_PREINSTALL_SYNC"));
        var version = Version.Parse(grafana["image"]!.ToString().Split(':')[1]);
        Assert.True(version >= new Version(12, 1), $"GF_PLUGINS_PREINSTALL_SYNC needs Grafana 12.1 or later, the image is {version}");

        // Nothing holds the API back while Grafana or InfluxDB start: start order only.
        Assert.All(api["depends_on"]!.AsObject(), d => Assert.Equal("service_started", d.Value!["condition"]!.ToString()));
        // Every other service is probed for real (the API by its image's HEALTHCHECK, DockerfileTests).
        Assert.All(Services.Where(s => s.StartsWith("api", StringComparison.Ordinal) is false), s =>
            Assert.NotEmpty(ComposeStack.Service(config, s)["healthcheck"]?["test"]?.AsArray() ?? []));
    }

    [Fact]
    public async Task DockerCompose129AcceptsTheSharedProfileWithBothInstancesOnPostgreSql()
    {
        var (exitCode, output, errors) = await ComposeStack.ConfigAsync(new Dictionary<string, string>
        {
            ["COMPOSE_PROFILES"] = "shared",
            ["POWERVIEW_JOBS_STORAGE"] = "PostgreSql",
            ["POWERVIEW_RUNS_STORAGE"] = "PostgreSql",
        });

        Assert.True(exitCode == 0, errors);
        var config = YamlJson.Load(output)!.AsObject();
        var postgres = ComposeStack.Service(config, "postgres");
        Assert.Equal(["shared"], postgres["profiles"]!.AsArray().Select(p => p!.ToString()));
        Assert.Equal(["shared"], ComposeStack.Service(config, "api2")["profiles"]!.AsArray().Select(p => p!.ToString()));
        Assert.Null(ComposeStack.Service(config, "api")["profiles"]);

        var password = ComposeStack.Env(postgres, "POSTGRES_PASSWORD");
        var mounts = new List<string[]>();
        foreach (var name in new[] { "api", "api2" })
        {
            var api = ComposeStack.Service(config, name);
            Assert.Equal("PostgreSql", ComposeStack.Env(api, "Jobs__Storage"));
            Assert.Equal("PostgreSql", ComposeStack.Env(api, "Runs__Storage"));
            foreach (var connection in new[] { "ConnectionStrings__Hangfire", "ConnectionStrings__Runs" })
            {
                var parts = ComposeStack.Env(api, connection)!.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
                Assert.Equal("postgres", parts["Host"]);
                Assert.Equal(ComposeStack.Env(postgres, "POSTGRES_DB"), parts["Database"]);
                Assert.Equal(ComposeStack.Env(postgres, "POSTGRES_USER"), parts["Username"]);
                Assert.Equal(password, parts["Password"]);
            }

            mounts.Add([.. api["volumes"]!.AsArray().Select(v => v!.ToString())]);
        }

        // One data root for both (and SFTPGo), a state folder each.
        Assert.Contains("sftpgo-data:/srv/sftpgo:rw", mounts[0]);
        Assert.Contains("sftpgo-data:/srv/sftpgo:rw", mounts[1]);
        Assert.Contains("powerview-state:/var/lib/powerview:rw", mounts[0]);
        Assert.Contains("powerview-state-2:/var/lib/powerview:rw", mounts[1]);
        Assert.Equal("service_healthy", ComposeStack.Service(config, "api2")["depends_on"]!["postgres"]!["condition"]!.ToString());
    }

    [Fact]
    public void TheFileIsValidAgainstTheComposeSpecificationSchema()
    {
        var errors = ComposeSpecSchema.Validate(ComposeStack.Source());

        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Fact]
    public void TheSchemaRefusesWhatDockerCompose129Refused()
    {
        // The file before this fix: a top-level `name:`; and a service key that does not exist.
        var withName = ComposeStack.Source();
        withName["name"] = "powerview";
        var misspelt = ComposeStack.Source();
        ComposeStack.Service(misspelt, "api")["depend_on"] = new JsonArray("influxdb");

        Assert.Contains(ComposeSpecSchema.Validate(withName), e => e.Contains("name", StringComparison.Ordinal));
        Assert.Contains(ComposeSpecSchema.Validate(misspelt), e => e.Contains("depend_on", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every host in a URL (or connection string, or Caddy upstream) of deploy/ and the Caddyfile is a service of the
    /// compose file, on a port it listens on. Loopback is allowed in a health check only (the container itself);
    /// public names are the .env.example placeholders (example.com) or compose variables.
    /// </summary>
    [Fact]
    public void EveryUrlOfTheDeploymentPointsAtAComposeServiceAndOneOfItsPorts()
    {
        var compose = ComposeStack.Source();
        var services = compose["services"]!.AsObject().ToDictionary(s => s.Key, s => ComposeStack.Ports(s.Value!.AsObject()));
        var targets = new List<(string Where, string Host, int? Port)>();

        // The compose file: every string value but the health checks' commands.
        foreach (var (where, text) in Strings(compose, ""))
        {
            if (!where.Contains(".healthcheck.", StringComparison.Ordinal))
            {
                targets.AddRange(Hosts(text).Select(h => ($"docker-compose.yml {where}", h.Host, h.Port)));
            }
            else
            {
                Assert.All(Hosts(text), h => Assert.Equal("127.0.0.1", h.Host));
            }
        }

        // The other files, as text.
        var files = Directory.EnumerateFiles(RepositoryFiles.Path("deploy"), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) is not ("docker-compose.yml" or "Dockerfile"))
            .Append(RepositoryFiles.Path("Caddyfile"));
        foreach (var file in files)
        {
            var name = Path.GetRelativePath(RepositoryFiles.Root, file);
            foreach (var line in File.ReadAllLines(file))
            {
                targets.AddRange(Hosts(line).Select(h => (name, h.Host, h.Port)));
            }
        }

        Assert.Contains(targets, t => t.Where.EndsWith("legacy-hook.env", StringComparison.Ordinal) && t.Host == "api");
        Assert.Contains(targets, t => t.Where.EndsWith("event-action.json", StringComparison.Ordinal) && t.Host == "api");
        Assert.Contains(targets, t => t.Where == "Caddyfile" && t.Host == "api2");
        Assert.All(targets, t =>
        {
            if (t.Host.EndsWith("example.com", StringComparison.Ordinal) || t.Host.StartsWith("${", StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(services.ContainsKey(t.Host), $"{t.Where}: '{t.Host}' is not a service of deploy/docker-compose.yml");
            if (t.Port is { } port)
            {
                Assert.True(services[t.Host].Contains(port), $"{t.Where}: service '{t.Host}' does not listen on {port} (expose or ports)");
            }
        });
    }

    private static IEnumerable<(string Where, string Text)> Strings(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    foreach (var s in Strings(value, $"{path}.{key}"))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    foreach (var s in Strings(a[i], $"{path}[{i}]"))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValue v when v.TryGetValue<string>(out var text):
                yield return (path, text);
                break;
        }
    }

    /// <summary>Hosts named by <c>scheme://[user:pass@]host[:port]</c>, <c>Host=name</c> (connection strings), and Caddy's <c>reverse_proxy</c>/<c>to</c> upstreams.</summary>
    private static IEnumerable<(string Host, int? Port)> Hosts(string text)
    {
        foreach (Match m in Regex.Matches(text, @"[a-z]+://(?:[^@/\s""]+@)?(\$\{[A-Z_]+\}|[A-Za-z0-9.\-]+)(?::([0-9]+))?"))
        {
            yield return (m.Groups[1].Value, m.Groups[2].Success ? int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : null);
        }

        foreach (Match m in Regex.Matches(text, @"(?:^|;)\s*Host=([A-Za-z0-9.\-]+)(?:;.*?Port=([0-9]+))?", RegexOptions.IgnoreCase))
        {
            yield return (m.Groups[1].Value, m.Groups[2].Success ? int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : null);
        }

        var upstreams = Regex.Match(text, @"^\s*(?:reverse_proxy|to)\s+([^{]+?)\s*\{?\s*$");
        if (upstreams.Success)
        {
            foreach (var upstream in upstreams.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = upstream.LastIndexOf(':');
                yield return colon < 0
                    ? (upstream, null)
                    : (upstream[..colon], int.Parse(upstream[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
