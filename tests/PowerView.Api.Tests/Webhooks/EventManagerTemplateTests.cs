using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Webhooks;

/// <summary>The Event Manager action shipped in deploy/sftpgo/ renders bodies the receiver understands.</summary>
public sealed class EventManagerTemplateTests
{
    [Fact]
    public async Task TheShippedTemplateRendersAnUploadTheHookIngests()
    {
        var action = LoadShippedAction();
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var path = folder.PlaceSample("company1/T302_251012_031720.tsv");
        var http = action["options"]!["http_config"]!;

        // SFTPGo's OSS placeholder engine: plain substitution, JSON-escaped without quotes under a JSON Content-Type.
        var body = Render(http["body"]!.GetValue<string>(), new Dictionary<string, string>
        {
            ["Event"] = "upload", ["Name"] = "acme", ["FsPath"] = path, ["FsTargetPath"] = "",
            ["VirtualPath"] = "/site1/02000800/T302_251012_031720.tsv", ["VirtualTargetPath"] = "",
            ["Status"] = "1", ["FileSize"] = new FileInfo(path).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Timestamp"] = "1784628930123456789", ["Elapsed"] = "142",
            ["Protocol"] = "SFTP", ["IP"] = "172.20.0.1", ["Role"] = "", ["UID"] = "hQ3vX9kz2LmWcTq8Ry4bNe",
        });
        Assert.DoesNotContain("{{", body, StringComparison.Ordinal);
        Assert.Contains(http["headers"]!.AsArray(), h => h!["key"]!.GetValue<string>() == "Content-Type" && h["value"]!.GetValue<string>() == "application/json");
        var user = http["username"]!.GetValue<string>();

        var (code, answer) = await HookCalls.SendAsync(client, HookCalls.Request(body, HookCalls.Basic(user, PowerViewApplication.HookSecret)));
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("queued", answer.GetProperty("status").GetString());
        Assert.Equal(RunStatus.Success, run.Status);
    }

    [Fact]
    public void TheShippedRuleSendsUploadsRenamesAndMkdirsAsynchronously()
    {
        var backup = JsonNode.Parse(File.ReadAllText(ShippedFile()))!;
        var rule = backup["event_rules"]!.AsArray().Single()!;

        Assert.Equal(17, backup["version"]!.GetValue<int>());
        Assert.Equal(1, rule["status"]!.GetValue<int>());
        var events = rule["conditions"]!["fs_events"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.Superset(new HashSet<string> { "upload", "rename", "mkdir" }, events.ToHashSet());
        Assert.All(rule["actions"]!.AsArray(), a => Assert.False(a!["relation_options"]!["execute_sync"]!.GetValue<bool>()));
    }

    private static JsonNode LoadShippedAction() =>
        JsonNode.Parse(File.ReadAllText(ShippedFile()))!["event_actions"]!.AsArray().Single()!;

    private static string Render(string template, Dictionary<string, string> values)
    {
        foreach (var (name, value) in values)
        {
            var escaped = JsonSerializer.Serialize(value)[1..^1];
            template = template.Replace("{{." + name + "}}", escaped, StringComparison.Ordinal);
        }

        return template;
    }

    private static string ShippedFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", "sftpgo", "event-action.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("deploy/sftpgo/event-action.json not found above " + AppContext.BaseDirectory);
    }
}
