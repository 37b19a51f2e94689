using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PowerView.Api.Hosting.Json;
using PowerView.Api.Ingestion;
using PowerView.Api.Jobs;
using PowerView.Api.Runs;
using Serilog;

namespace PowerView.Api.Webhooks;

internal static class WebhookEndpoints
{
    /// <summary>SFTPGo's bodies are well under 2 KiB; anything near this is not from SFTPGo.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const string OperationId = "SftpGoHook";

    /// <summary>The hook secret's schemes in the OpenAPI document (not the monitoring keys' Bearer).</summary>
    public const string BearerScheme = "HookSecret";

    public const string BasicScheme = "HookSecretBasic";

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/hooks/sftpgo", ReceiveAsync)
            .AddEndpointFilter<HookSecretFilter>()
            // Any content type is read (an Event Manager action whose Content-Type header was forgotten still gets
            // through); the document shows only the one SFTPGo sends (WebhookExtensions).
            .Accepts<SftpGoEvent>(isOptional: false, "application/json", "*/*")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithName(OperationId)
            .WithTags("Hooks")
            .WithSummary("Receives an SFTPGo upload, rename or mkdir event")
            .WithDescription("SFTPGo's legacy actions hook or the Event Manager HTTP action (same field names). "
                + "Answers 200 queued | duplicate | ignored at once (SFTPGo retries anything but 200) and does the work in a Hangfire job. "
                + "400: a body that is not SFTPGo's JSON, or a path outside the data root (nothing is touched). 401: no or a wrong hook secret. "
                + "413: a body over 64 KiB. Authorize with the hook secret as Bearer, or as the password of Basic (any user name).");
        return app;
    }

    /// <summary>
    /// Reads the body itself (any content type: an Event Manager action without a Content-Type header still
    /// works), routes it and queues the job. Always 200 for what was understood, so SFTPGo neither retries
    /// nor, with a synchronous hook, deletes the upload.
    /// </summary>
    private static async Task<Results<Ok<HookAnswer>, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request,
        HookRouter router,
        FileClaims claims,
        ProvisionClaims provisioning,
        IDiagnosticContext diagnostics,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var (e, problem) = await ReadEventAsync(request, cancellationToken);
        if (e is null)
        {
            return problem!;
        }

        diagnostics.Set("HookAction", e.Action);
        var decision = router.Route(e);
        HookAnswer answer;
        switch (decision)
        {
            case HookDecision.Reject reject:
                loggers.CreateLogger(typeof(WebhookEndpoints)).LogWarning("Hook event {Action} refused: {Problem}", e.Action, reject.Problem);
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Path refused", detail: reject.Problem);
            case HookDecision.Ingest ingest:
                answer = QueueIngestion(claims, ingest.File, ingest.FileSize);
                break;
            case HookDecision.Provision provision:
                answer = QueueProvisioning(provisioning, provision);
                break;
            case HookDecision.Ignore ignore:
                answer = new HookAnswer(HookStatus.Ignored, Reason: ignore.Reason, Path: ignore.Path);
                break;
            default:
                throw new InvalidOperationException($"unexpected decision {decision}");
        }

        diagnostics.Set("HookAnswer", WireName<HookStatus>.Of(answer.Status));
        diagnostics.Set("JobId", answer.JobId);
        return TypedResults.Ok(answer);
    }

    private static HookAnswer QueueIngestion(FileClaims claims, DataFile file, long? fileSize)
    {
        try
        {
            return claims.QueueIngestion(file.RelativePath!, file.FullPath, RunTrigger.Hook, fileSize) switch
            {
                null => new HookAnswer(HookStatus.Ignored, Reason: "the file is no longer there (already processed, renamed or removed)", Path: file.RelativePath),
                { IsNew: false } d => new HookAnswer(HookStatus.Duplicate, d.JobId, "a job for this file is already queued or running", file.RelativePath),
                var q => new HookAnswer(HookStatus.Queued, q.JobId, Path: file.RelativePath),
            };
        }
        catch (TimeoutException)
        {
            // Another request holds the file's claim lock and is deciding for it right now.
            return new HookAnswer(HookStatus.Duplicate, Reason: "another request for this file is being handled", Path: file.RelativePath);
        }
    }

    private static HookAnswer QueueProvisioning(ProvisionClaims claims, HookDecision.Provision provision)
    {
        try
        {
            return claims.Queue(provision.Company, provision.Campaign, RunTrigger.Hook) switch
            {
                { IsNew: false } d => new HookAnswer(HookStatus.Duplicate, d.JobId, "a provisioning of this folder is already queued or running", provision.Path),
                var q => new HookAnswer(HookStatus.Queued, q.JobId, Path: provision.Path),
            };
        }
        catch (TimeoutException)
        {
            return new HookAnswer(HookStatus.Duplicate, Reason: "another request for this folder is being handled", Path: provision.Path);
        }
    }

    private static async Task<(SftpGoEvent? Event, ProblemHttpResult? Problem)> ReadEventAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBodyBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxBodyBytes)
                {
                    return (null, TooLarge());
                }
            }

            if (length == 0)
            {
                return (null, Malformed("The body is empty: SFTPGo's action JSON is expected."));
            }

            var e = JsonSerializer.Deserialize(buffer.AsSpan(0, length), SftpGoJson.Default.SftpGoEvent);
            return e is null ? (null, Malformed("The body is JSON null: SFTPGo's action JSON is expected.")) : (e, null);
        }
        catch (JsonException ex)
        {
            return (null, Malformed($"The body is not SFTPGo's action JSON: {ex.Message}"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ProblemHttpResult Malformed(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed hook body", detail: detail);

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Hook body too large",
            detail: $"SFTPGo events are small; bodies over {MaxBodyBytes} bytes are refused.");
}
