using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Runs;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>SFTPGo's legacy action bodies (field names and shapes as SFTPGo v2.7 sends them) and the calls around them.</summary>
internal static class HookCalls
{
    /// <param name="fileSize">SFTPGo's <c>file_size</c>: by default the size of the file at <paramref name="path"/> (what SFTPGo wrote), else 48213.</param>
    public static JsonObject Upload(string path, int? status = 1, string username = "acme", long? fileSize = null) => new()
    {
        ["action"] = "upload",
        ["username"] = username,
        ["path"] = path,
        ["virtual_path"] = "/" + string.Join('/', path.Split('/').TakeLast(3)),
        ["file_size"] = fileSize ?? (File.Exists(path) ? new FileInfo(path).Length : 48213),
        ["fs_provider"] = 0,
        ["status"] = status,
        ["protocol"] = "SFTP",
        ["ip"] = "172.20.0.1",
        ["session_id"] = "SFTP_5c0b6f0e3d_1",
        ["timestamp"] = 1784628930123456789,
        ["elapsed"] = 142,
    };

    public static JsonObject Rename(string path, string target, string username = "acme") => new()
    {
        ["action"] = "rename",
        ["username"] = username,
        ["path"] = path,
        ["target_path"] = target,
        ["fs_provider"] = 0,
        ["status"] = 1,
        ["protocol"] = "SFTP",
        ["ip"] = "172.20.0.1",
        ["session_id"] = "SFTP_5c0b6f0e3d_1",
        ["timestamp"] = 1784628930201000000,
    };

    public static JsonObject Mkdir(string path, string username = "acme") => new()
    {
        ["action"] = "mkdir",
        ["username"] = username,
        ["path"] = path,
        ["fs_provider"] = 0,
        ["status"] = 1,
        ["protocol"] = "SFTP",
        ["ip"] = "172.20.0.1",
        ["session_id"] = "SFTP_5c0b6f0e3d_1",
        ["timestamp"] = 1784628902987654321,
    };

    public static HttpRequestMessage Request(string body, string? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/sftpgo")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization ?? "Bearer " + PowerViewApplication.HookSecret);
        return request;
    }

    public static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>Posts a body with the hook secret and returns the status code and the JSON answer.</summary>
    public static async Task<(HttpStatusCode Code, JsonElement Body)> PostAsync(HttpClient client, JsonNode body, string? authorization = null) =>
        await SendAsync(client, Request(body.ToJsonString(), authorization));

    public static async Task<(HttpStatusCode Code, JsonElement Body)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>
    /// Starts the host and waits for its start-up sweep (or, when another instance shares its job storage, for the sweep
    /// it left to that one), so files placed afterwards are left to the test.
    /// </summary>
    public static async Task<HttpClient> StartAsync(this PowerViewApplication app)
    {
        var client = app.CreateClient();
        await app.Logs.WaitForFirstSweepTurnAsync();
        return client;
    }

    /// <summary>Waits for a recorded run (30 s at most: a safety net, not a pace).</summary>
    internal static Task<RunRecord> WaitForRunAsync(this PowerViewApplication app, Func<RunRecord, bool> match) => app.Runs.WaitForAsync(match);

    /// <summary>Every job the host's Hangfire storage knows, whatever its state.</summary>
    public static long JobCount(this PowerViewApplication app)
    {
        var s = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().GetStatistics();
        return s.Enqueued + s.Scheduled + s.Processing + s.Succeeded + s.Failed + s.Deleted + (s.Awaiting ?? 0);
    }
}
