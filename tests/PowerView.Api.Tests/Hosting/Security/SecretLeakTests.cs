using System.Globalization;
using System.Net;
using System.Text;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Doubles;

namespace PowerView.Api.Tests.Hosting.Security;

/// <summary>
/// No secret of the configuration (hook secret, admin, company and metrics keys, the InfluxDB token) is in anything
/// the service writes or answers: log events at every level, the state folder's files (reports, run store), the
/// answers with their headers, after a day's mix of good and bad calls and an InfluxDB that refuses the token.
/// </summary>
public sealed class SecretLeakTests
{
    private static readonly string[] Secrets =
    [
        PowerViewApplication.HookSecret, PowerViewApplication.AdminKey, PowerViewApplication.Company1Key,
        PowerViewApplication.MetricsKey, InfluxApiDouble.AllAccessToken,
    ];

    [Fact]
    public async Task NoSecretIsLoggedStoredOrAnswered()
    {
        using var folder = new TempFolder();
        await using var influx = await InfluxApiDouble.StartAsync();
        var answers = new StringBuilder();
        await using (var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Influx:Url"] = influx.Url.ToString(),
            ["Influx:Token"] = InfluxApiDouble.AllAccessToken,
            ["Influx:Org"] = InfluxApiDouble.OrgName,
            ["Serilog:MinimumLevel:Default"] = "Verbose",
        }))
        {
            using var client = await app.StartAsync();
            var good = folder.PlaceSample("company1/T302_251012_031720.tsv");
            var refused = folder.PlaceSample("dominique/T302_260105_162016.tsv", company: "company1", campaign: "c1");

            foreach (var authorization in new[]
            {
                "Bearer " + PowerViewApplication.HookSecret + "x", "Bearer " + PowerViewApplication.AdminKey,
                HookCalls.Basic("sftpgo", PowerViewApplication.HookSecret + "x"), HookCalls.Basic("sftpgo", PowerViewApplication.HookSecret),
            })
            {
                using var request = HookCalls.Request(HookCalls.Upload(good).ToJsonString(), authorization);
                answers.Append(await DescribeAsync(await client.SendAsync(request, TestContext.Current.CancellationToken)));
            }

            await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");
            influx.Outage = new WriteFault.Status(401, Message: "unauthorized access");
            await HookCalls.PostAsync(client, HookCalls.Upload(refused, username: "company1"));
            var error = await app.WaitForRunAsync(r => r.FileName == "T302_260105_162016.tsv");
            influx.Outage = null;
            Assert.Equal(RunStatus.Error, error.Status);

            foreach (var (path, key) in new[]
            {
                ("/api/runs", PowerViewApplication.AdminKey), ("/api/errors", PowerViewApplication.Company1Key),
                ($"/api/runs/{error.Id}", PowerViewApplication.Company1Key), ("/health", PowerViewApplication.AdminKey),
                ("/metrics", PowerViewApplication.MetricsKey), ("/api/runs", PowerViewApplication.MetricsKey),
                ("/api/runs", PowerViewApplication.Company1Key + "x"), ("/hangfire", PowerViewApplication.HookSecret),
            })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Authorization = new("Bearer", key);
                answers.Append(await DescribeAsync(await client.SendAsync(request, TestContext.Current.CancellationToken)));
            }

            var logs = Render(app.Logs.All);
            Assert.Contains("T302_260105_162016.tsv", logs, StringComparison.Ordinal);
            AssertNoSecret("the log", logs);
        }

        AssertNoSecret("the answers", answers.ToString());
        Assert.NotEmpty(Directory.EnumerateFiles(folder.StateDir, "*.json", SearchOption.AllDirectories));
        foreach (var file in Directory.EnumerateFiles(folder.StateDir, "*", SearchOption.AllDirectories))
        {
            AssertNoSecret(file, Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)));
        }
    }

    private static void AssertNoSecret(string where, string text)
    {
        foreach (var secret in Secrets)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} holds the secret {secret[..8]}…");
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("sftpgo:" + secret));
            Assert.False(text.Contains(basic, StringComparison.Ordinal), $"{where} holds the secret {secret[..8]}… in Basic form");
        }
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var headers = string.Join('\n', response.Headers.Concat(response.Content.Headers).Select(h => h.Key + ": " + string.Join(',', h.Value)));
            return $"{(int)response.StatusCode}\n{headers}\n{await response.Content.ReadAsStringAsync()}\n";
        }
    }

    private static string Render(IEnumerable<Serilog.Events.LogEvent> events)
    {
        var text = new StringBuilder();
        foreach (var e in events)
        {
            text.AppendLine(e.RenderMessage(CultureInfo.InvariantCulture));
            foreach (var (name, value) in e.Properties)
            {
                text.Append(name).Append('=').AppendLine(value.ToString());
            }

            text.AppendLine(e.Exception?.ToString());
        }

        return text.ToString();
    }
}
