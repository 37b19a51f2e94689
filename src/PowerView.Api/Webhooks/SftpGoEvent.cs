using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PowerView.Api.Webhooks;

/// <summary>
/// The body SFTPGo's legacy actions hook posts (sdk <c>notifier.FsEvent</c>), which the Event Manager template in
/// <c>deploy/sftpgo/</c> reproduces. Only what routing needs is modelled; unknown fields are ignored and every field
/// but <c>action</c> may be missing (SFTPGo omits empty ones). The names are SFTPGo's, whatever the API's own
/// convention, so the OpenAPI document shows the body SFTPGo really sends.
/// </summary>
internal sealed record SftpGoEvent
{
    [JsonPropertyName("action")]
    [Description("upload, rename, copy or mkdir are acted on; anything else is answered ignored (the Event Manager's {{.Event}}).")]
    public string? Action { get; init; }

    [JsonPropertyName("username")]
    [Description("The SFTPGo user (one per company in the usual layout).")]
    public string? Username { get; init; }

    [JsonPropertyName("path")]
    [Description("Absolute path as SFTPGo sees it ({{.FsPath}}); relative paths are taken under PowerView:DataRoot.")]
    public string? Path { get; init; }

    [JsonPropertyName("target_path")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("rename/copy: the new path.")]
    public string? TargetPath { get; init; }

    [JsonPropertyName("virtual_path")]
    [Description("Path inside the user's home, starting with '/' (used with Hooks:UseVirtualPath).")]
    public string? VirtualPath { get; init; }

    [JsonPropertyName("virtual_target_path")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? VirtualTargetPath { get; init; }

    [JsonPropertyName("status")]
    [Description("1 ok, 2 failed, 3 quota exceeded: only 1 is ingested.")]
    public int? Status { get; init; }

    [JsonPropertyName("file_size")]
    [Description("Bytes SFTPGo wrote.")]
    public long? FileSize { get; init; }

    [JsonPropertyName("timestamp")]
    [Description("Nanoseconds since the Unix epoch.")]
    public long? Timestamp { get; init; }

    [JsonPropertyName("session_id")]
    public string? SessionId { get; init; }

    [JsonPropertyName("protocol")]
    [Description("SFTP, SCP, FTP, DAV, HTTP…")]
    public string? Protocol { get; init; }

    /// <summary>A real upload as SFTPGo v2.7 sends it (the documented example of the body).</summary>
    public static SftpGoEvent Example { get; } = new()
    {
        Action = "upload",
        Username = "company1",
        Path = "company1/campaign1/02001171/T302_251012_031720.tsv",
        VirtualPath = "/campaign1/02001171/T302_251012_031720.tsv",
        Status = 1,
        // The size of that sample (tests/…/samples/company1/T302_251012_031720.tsv): the run compares it with the file.
        FileSize = 26711,
        Timestamp = 1784628930123456789,
        SessionId = "SFTP_5c0b6f0e3d_1",
        Protocol = "SFTP",
    };
}

/// <summary>SFTPGo's names; numbers may come quoted from a hand-written template.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(SftpGoEvent))]
internal sealed partial class SftpGoJson : JsonSerializerContext;
