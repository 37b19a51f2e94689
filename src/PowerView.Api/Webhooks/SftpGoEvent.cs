using System.Text.Json.Serialization;

namespace PowerView.Api.Webhooks;

/// <summary>
/// The body SFTPGo's legacy actions hook posts (sdk <c>notifier.FsEvent</c>), which the Event Manager template
/// in <c>deploy/sftpgo/</c> reproduces. Only what routing needs is modelled; unknown fields are ignored and
/// every field but <c>action</c> may be missing (SFTPGo omits empty ones).
/// </summary>
internal sealed record SftpGoEvent
{
    /// <summary><c>upload</c>, <c>rename</c>, <c>mkdir</c>, … (the Event Manager's <c>{{.Event}}</c>).</summary>
    public string? Action { get; init; }

    public string? Username { get; init; }

    /// <summary>Absolute path as SFTPGo sees it (<c>{{.FsPath}}</c>).</summary>
    public string? Path { get; init; }

    public string? TargetPath { get; init; }

    /// <summary>Path inside the user's home, starting with '/'.</summary>
    public string? VirtualPath { get; init; }

    public string? VirtualTargetPath { get; init; }

    /// <summary>1 ok, 2 failed, 3 quota exceeded.</summary>
    public int? Status { get; init; }

    public long? FileSize { get; init; }

    /// <summary>Nanoseconds since the Unix epoch.</summary>
    public long? Timestamp { get; init; }

    public string? SessionId { get; init; }

    public string? Protocol { get; init; }
}

/// <summary>Snake-case names as SFTPGo writes them; numbers may come quoted from a hand-written template.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(SftpGoEvent))]
internal sealed partial class SftpGoJson : JsonSerializerContext;
