using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Tests.Infrastructure;
using Serilog.Core;
using Serilog.Events;

namespace PowerView.Api.Tests.Webhooks;

public sealed class HookLoggingTests
{
    [Fact]
    public async Task SecretsNeverReachTheLogsButRequestsAndRunsDo()
    {
        using var folder = new TempFolder();
        var sink = new CapturingSink();
        // The shipped levels (appsettings.json): Information, Microsoft.AspNetCore at Warning.
        var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Information",
            ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Warning",
        })
        { TestServices = s => s.AddSingleton<ILogEventSink>(sink) };
        await using (app)
        {
            using var client = await app.StartAsync();
            var path = folder.PlaceSample("company1/T302_251012_031720.tsv");
            await HookCalls.PostAsync(client, HookCalls.Upload(path));
            await HookCalls.PostAsync(client, HookCalls.Upload(path), HookCalls.Basic("sftpgo", PowerViewApplication.HookSecret));
            await HookCalls.PostAsync(client, HookCalls.Upload(path), "Bearer " + PowerViewApplication.HookSecret + "-wrong");
            using var query = HookCalls.Request(HookCalls.Upload(path).ToJsonString());
            query.RequestUri = new Uri("/hooks/sftpgo?token=" + PowerViewApplication.HookSecret, UriKind.Relative);
            await HookCalls.SendAsync(client, query);
            using var dashboard = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
            dashboard.Headers.Authorization = new("Bearer", PowerViewApplication.AdminKey);
            (await client.SendAsync(dashboard, TestContext.Current.CancellationToken)).Dispose();
            await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");
        }

        // Serilog renders string values quoted; compare without the quotes.
        var text = sink.AllText().Replace("\"", "", StringComparison.Ordinal);
        Assert.Contains("HTTP POST /hooks/sftpgo responded 200", text, StringComparison.Ordinal);
        Assert.Contains("HTTP POST /hooks/sftpgo responded 401", text, StringComparison.Ordinal);
        Assert.Contains("Ingestion success: acme/site1/02000800/T302_251012_031720.tsv", text, StringComparison.Ordinal);
        foreach (var secret in new[] { PowerViewApplication.HookSecret, PowerViewApplication.AdminKey, "test-hook-secret", "test-admin-key" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("sftpgo:" + secret)), text, StringComparison.Ordinal);
        }
    }

    private sealed class CapturingSink : ILogEventSink
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

        /// <summary>Every message, property and exception, rendered.</summary>
        public string AllText()
        {
            var sb = new StringBuilder();
            foreach (var e in _events)
            {
                sb.AppendLine(e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
                foreach (var (name, value) in e.Properties)
                {
                    sb.Append(name).Append('=').AppendLine(value.ToString());
                }

                sb.AppendLine(e.Exception?.ToString());
            }

            return sb.ToString();
        }
    }
}
