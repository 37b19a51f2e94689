using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Webhooks;

/// <summary>What the hook refuses (401, 400, 413) touches nothing; what it ignores is answered 200 with the reason.</summary>
public sealed class HookRejectionTests
{
    private const string Sample = "company1/T302_251012_031720.tsv";

    public static TheoryData<string> WrongCredentials => new()
    {
        "",
        "Bearer wrong-secret-0123456789",
        "Bearer " + PowerViewApplication.AdminKey,
        HookCalls.Basic("sftpgo", "wrong-secret-0123456789"),
        HookCalls.Basic(PowerViewApplication.HookSecret, "x"),
        "Token " + PowerViewApplication.HookSecret,
        "Basic not-base64!",
    };

    [Theory]
    [MemberData(nameof(WrongCredentials))]
    public async Task WithoutTheSecretTheAnswerIs401AndNothingIsQueued(string authorization)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);
        using var request = HookCalls.Request(HookCalls.Upload(path).ToJsonString(), "Bearer x");
        request.Headers.Authorization = authorization.Length == 0 ? null : System.Net.Http.Headers.AuthenticationHeaderValue.Parse(authorization);

        var (code, problem) = await HookCalls.SendAsync(client, request);

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal(0, app.JobCount());
        Assert.True(File.Exists(path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"upload\"")]
    [InlineData("{\"path\":\"acme/site1/02000800/T302_251012_031720.tsv\",\"status\":1}")]
    [InlineData("{\"action\":\"upload\",\"path\":\"acme/site1/02000800/T302_251012_031720.tsv\",\"status\":\"ok\"}")]
    [InlineData("{\"action\":\"upload\",\"status\":1}")]
    [InlineData("{\"action\":\"rename\",\"path\":\"acme/site1/02000800/T302_251012_031720.tsv\",\"status\":1}")]
    [InlineData("action=upload&path=x")]
    public async Task AMalformedBodyIs400AndTouchesNothing(string body)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);

        var (code, problem) = await HookCalls.SendAsync(client, HookCalls.Request(body));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(0, app.JobCount());
        Assert.True(File.Exists(path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnOversizedBodyIs413WithOrWithoutContentLength(bool announced)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);
        var upload = HookCalls.Upload(path);
        upload["padding"] = new string('x', 70_000);
        var bytes = Encoding.UTF8.GetBytes(upload.ToJsonString());
        using var request = HookCalls.Request("");
        request.Content = announced ? new ByteArrayContent(bytes) : new StreamContent(new UnseekableStream(bytes));

        var (code, problem) = await HookCalls.SendAsync(client, request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Equal(0, app.JobCount());
        Assert.True(File.Exists(path));
    }

    [Theory]
    [InlineData("{root}/../outside/acme/site1/02000800/T302_251012_031720.tsv")]
    [InlineData("{root}/acme/site1/../../../outside/acme/site1/02000800/T302_251012_031720.tsv")]
    [InlineData("../outside/acme/site1/02000800/T302_251012_031720.tsv")]
    [InlineData("{outside}/acme/site1/02000800/T302_251012_031720.tsv")]
    [InlineData("/etc/passwd")]
    [InlineData("{root}")]
    public async Task APathOutsideTheDataRootIs400AndTouchesNothing(string template)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var (outside, victim) = PlaceVictimOutsideTheRoot(folder);
        var path = template.Replace("{root}", folder.DataRoot, StringComparison.Ordinal).Replace("{outside}", outside, StringComparison.Ordinal);

        var answers = new[]
        {
            await HookCalls.PostAsync(client, HookCalls.Upload(path)),
            await HookCalls.PostAsync(client, HookCalls.Rename(path + ".filepart", path)),
            await HookCalls.PostAsync(client, HookCalls.Mkdir(path)),
        };

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a.Code));
        Assert.All(answers, a => Assert.Equal("Path refused", a.Body.GetProperty("title").GetString()));
        Assert.Equal(0, app.JobCount());
        Assert.True(File.Exists(victim));
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("acme/site1")]
    [InlineData("acme/site1/02000800")]
    [InlineData("acme/site1/02000800/T302_251012_031720.tsv")]
    public async Task ASymbolicLinkOutOfTheDataRootIs400AndTouchesNothing(string linked)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        // The real tree lives outside the root; one level of the path inside the root is a link to it.
        var (outside, victim) = PlaceVictimOutsideTheRoot(folder);
        var link = Path.Combine(folder.DataRoot, linked);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        var target = Path.Combine(outside, linked);
        if (File.Exists(target))
        {
            File.CreateSymbolicLink(link, target);
        }
        else
        {
            Directory.CreateSymbolicLink(link, target);
        }

        var path = Path.Combine(folder.DataRoot, "acme/site1/02000800/T302_251012_031720.tsv");
        var (code, problem) = await HookCalls.PostAsync(client, HookCalls.Upload(path));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("symbolic link", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, app.JobCount());
        Assert.True(File.Exists(victim));
        Assert.False(Directory.Exists(Path.Combine(outside, "acme/site1/02000800/parsed")));
    }

    [Theory]
    [InlineData("upload", "acme/site1/02000800/T302_251012_031720.tsv", 2, "failed (status 2)")]
    [InlineData("upload", "acme/site1/02000800/T302_251012_031720.tsv", 3, "quota")]
    [InlineData("upload", "acme/site1/02000800/T302_251012_031720.tsv", null, "no 'status'")]
    [InlineData("upload", "acme/site1/02000800/T302_251012_031720.tsv.filepart", 1, "temporary upload name")]
    [InlineData("upload", "acme/site1/02000800/.sftpgo-upload.cv3k2.T302_251012_031720.tsv", 1, "atomic-upload temporary")]
    [InlineData("upload", "acme/site1/02000800/.T302_251012_031720.tsv", 1, "hidden")]
    [InlineData("upload", "acme/site1/T302_251012_031720.tsv", 1, "3 levels")]
    [InlineData("upload", "acme/site1/02000800/extra/T302_251012_031720.tsv", 1, "5 levels")]
    [InlineData("upload", "acme/site1/02000800/parsed/T302_251012_031720.tsv", 1, "5 levels")]
    [InlineData("upload", "acme/site1/02000800/notes.txt", 1, "not a .tsv")]
    [InlineData("upload", "acme/site1/02000800/T302_000000_000000.tsv", 1, "no longer there")]
    [InlineData("download", "acme/site1/02000800/T302_251012_031720.tsv", 1, "action 'download' needs no work")]
    [InlineData("pre-upload", "acme/site1/02000800/T302_251012_031720.tsv", 1, "needs no work")]
    [InlineData("delete", "acme/site1/02000800/T302_251012_031720.tsv", 1, "needs no work")]
    [InlineData("mkdir", "acme/site1/02000800", 1, "device folder")]
    [InlineData("mkdir", "acme/site1/02000800/parsed", 1, "4 levels")]
    [InlineData("mkdir", "acme/.cache", 1, "hidden")]
    public async Task AnEventWithNothingToDoIsIgnoredWithItsReason(string action, string relative, int? status, string reason)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var file = Path.Combine(folder.DataRoot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        if (action != "mkdir" && !relative.Contains("000000", StringComparison.Ordinal))
        {
            File.Copy(Samples.Path(Sample), file);
        }

        var body = action == "mkdir" ? HookCalls.Mkdir(file) : HookCalls.Upload(file, status);
        body["action"] = action;
        if (status is null)
        {
            body.Remove("status");
        }

        var (code, answer) = await HookCalls.PostAsync(client, body);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("ignored", answer.GetProperty("status").GetString());
        Assert.Contains(reason, answer.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, app.JobCount());
    }

    [Fact]
    public async Task UnknownFieldsAndQuotedNumbersAreTolerated()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);
        var body = HookCalls.Upload(path);
        body["status"] = "1";
        body["metadata"] = new JsonObject { ["k"] = "v" };
        body["some_future_field"] = new JsonArray(1, 2, 3);
        body.Remove("virtual_path");
        body.Remove("file_size");

        var (code, answer) = await HookCalls.PostAsync(client, body);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("queued", answer.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task AnyContentTypeIsAcceptedForgottenHeadersIncluded(string? contentType)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var path = folder.PlaceSample(Sample);
        using var request = HookCalls.Request("");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(HookCalls.Upload(path).ToJsonString()));
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        var (code, answer) = await HookCalls.SendAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("queued", answer.GetProperty("status").GetString());
    }

    /// <summary>A body of unknown length (chunked), as a proxy may forward it.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    /// <summary>A device file outside the data root, as an escaping path would reach it: it must stay untouched.</summary>
    private static (string Outside, string Victim) PlaceVictimOutsideTheRoot(TempFolder folder)
    {
        var outside = Path.Combine(folder.Root, "outside");
        var victim = Path.Combine(outside, "acme/site1/02000800/T302_251012_031720.tsv");
        Directory.CreateDirectory(Path.GetDirectoryName(victim)!);
        File.Copy(Samples.Path(Sample), victim);
        return (outside, victim);
    }
}
