using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// The repository's Caddyfile run by the real caddy on loopback: its site addresses become
/// <c>http://127.0.0.1:&lt;port&gt;</c> (through the same environment variables compose sets), the API's upstreams
/// <c>api:8080</c> and <c>api2:8080</c> become stub servers on loopback (or a port that refuses connections,
/// standing for the instance that does not exist without the shared profile). Everything else is the file as shipped.
/// Requests are sent over raw sockets, so paths reach caddy exactly as written, from a chosen source address
/// (127.0.0.1 or 127.0.0.2: the allow-list is tested with real client addresses).
/// </summary>
public sealed class CaddyProxyTests
{
    private static readonly IPAddress Allowed = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Outsider = IPAddress.Loopback;

    /// <summary>Paths an attacker would try to reach the hook with: ASP.NET Core routes all of them to /hooks/sftpgo.</summary>
    private static readonly string[] HookPaths =
    [
        "/hooks/sftpgo", "/HOOKS/sftpgo", "/Hooks/SftpGo", "/hooks/sftpgo/", "//hooks/sftpgo", "/./hooks/sftpgo",
        "/api/../hooks/sftpgo", "/%68ooks/sftpgo", "/hooks%2Fsftpgo", "/hooks",
    ];

    [Fact]
    public async Task WithoutTheSharedProfileEveryRequestReachesApiWhileTheHookAndMetricsStayInternal()
    {
        var caddyPath = InstalledTools.Require("caddy", "caddy is not installed (apt-get install caddy) — the Caddyfile was not run");
        await using var api = await UpstreamStub.StartAsync("api");
        using var missingApi2 = new RefusingPort();
        await using var caddy = await CaddyRun.StartAsync(caddyPath, api.Port, missingApi2.Url.Port, adminAllow: "127.0.0.2/32");

        // api2 does not exist: no request fails, every one is answered by api.
        for (var i = 0; i < 20; i++)
        {
            var answer = await caddy.SendAsync("GET", "/api/runs", Outsider);
            Assert.Equal((200, "api"), (answer.Status, answer.Body));
        }

        foreach (var path in HookPaths)
        {
            Assert.Equal(404, (await caddy.SendAsync("POST", path, Outsider, body: "{\"action\":\"upload\"}")).Status);
            Assert.Equal(404, (await caddy.SendAsync("POST", path, Allowed, body: "{\"action\":\"upload\"}")).Status);
        }

        Assert.Equal(404, (await caddy.SendAsync("GET", "/metrics", Allowed)).Status);
        Assert.Equal(404, (await caddy.SendAsync("GET", "/METRICS", Outsider)).Status);

        // Hangfire: refused by caddy outside the allow-list, proxied (with the client's address) inside it.
        Assert.Equal(403, (await caddy.SendAsync("GET", "/hangfire", Outsider)).Status);
        Assert.Equal(403, (await caddy.SendAsync("GET", "/Hangfire/jobs/failed", Outsider)).Status);
        Assert.Equal(403, (await caddy.SendAsync("GET", "//hangfire", Outsider)).Status);
        var allowed = await caddy.SendAsync("GET", "/hangfire/jobs/failed", Allowed);
        Assert.Equal((200, "api"), (allowed.Status, allowed.Body));
        Assert.Contains(api.Received, r => r.Target == "/hangfire/jobs/failed" && r.ForwardedFor == "127.0.0.2");

        // What reached the API: nothing that routes to the hook or the metrics, nothing of Hangfire from outside.
        Assert.NotEmpty(api.Received);
        Assert.DoesNotContain(api.Received, r => Normalized(r.Target).StartsWith("/hooks", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Received, r => Normalized(r.Target).StartsWith("/metrics", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Received, r => Normalized(r.Target).StartsWith("/hangfire", StringComparison.Ordinal) && r.ForwardedFor != "127.0.0.2");
    }

    [Fact]
    public async Task AnAllowListSetButEmptyLetsNobodyIntoHangfire()
    {
        var caddyPath = InstalledTools.Require("caddy", "caddy is not installed (apt-get install caddy) — the Caddyfile was not run");
        await using var api = await UpstreamStub.StartAsync("api");
        using var missingApi2 = new RefusingPort();
        await using var caddy = await CaddyRun.StartAsync(caddyPath, api.Port, missingApi2.Url.Port, adminAllow: "");

        Assert.Equal(403, (await caddy.SendAsync("GET", "/hangfire", Allowed)).Status);
        Assert.Equal(403, (await caddy.SendAsync("GET", "/hangfire", Outsider)).Status);
        Assert.Equal(200, (await caddy.SendAsync("GET", "/api/runs", Outsider)).Status);
        Assert.DoesNotContain(api.Received, r => Normalized(r.Target).StartsWith("/hangfire", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithTheSharedProfileRequestsAreSpreadOverBothInstancesAndACookieKeepsABrowserOnOne()
    {
        var caddyPath = InstalledTools.Require("caddy", "caddy is not installed (apt-get install caddy) — the Caddyfile was not run");
        await using var api = await UpstreamStub.StartAsync("api");
        await using var api2 = await UpstreamStub.StartAsync("api2");
        await using var caddy = await CaddyRun.StartAsync(caddyPath, api.Port, api2.Port, adminAllow: "127.0.0.2/32");

        // No cookie: both instances answer (chosen at random; 40 requests all on one would be a 1 in 2^39 chance).
        var answers = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var answer = await caddy.SendAsync("GET", "/api/campaigns", Outsider);
            Assert.Equal(200, answer.Status);
            answers.Add(answer.Body);
        }

        Assert.Equal(["api", "api2"], answers.Distinct().Order(StringComparer.Ordinal));

        // A browser keeps the cookie of its first answer and stays on that instance (Hangfire's forms post back to it).
        var first = await caddy.SendAsync("GET", "/hangfire", Allowed);
        var cookie = Assert.Single(first.Headers, h => h.Key == "set-cookie" && h.Value.StartsWith("powerview_lb=", StringComparison.Ordinal)).Value.Split(';')[0];
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(first.Body, (await caddy.SendAsync("GET", "/hangfire/jobs/enqueued", Allowed, cookie: cookie)).Body);
        }

        // api2 goes away: its clients are answered by api, none fails.
        await api2.DisposeAsync();
        var api2Cookie = first.Body == "api2"
            ? cookie
            : (await FindCookieOfAsync(caddy, "api2"));
        for (var i = 0; i < 10; i++)
        {
            var answer = await caddy.SendAsync("GET", "/api/runs", Outsider, cookie: api2Cookie);
            Assert.Equal((200, "api"), (answer.Status, answer.Body));
        }
    }

    /// <summary>The cookie caddy gave to a client it sent to <paramref name="instance"/> (caddy's cookie value is a hash of the upstream, stable across requests).</summary>
    private static async Task<string> FindCookieOfAsync(CaddyRun caddy, string instance)
    {
        // Recorded while both instances were up, from the first requests: the stub names itself in the body.
        foreach (var (body, cookie) in caddy.CookiesSeen)
        {
            if (body == instance)
            {
                return cookie;
            }
        }

        throw new Xunit.Sdk.XunitException($"no answer from {instance} carried a powerview_lb cookie");
    }

    /// <summary>The path as ASP.NET Core routes it: percent-decoded, lower case, dot segments removed, slashes merged.</summary>
    private static string Normalized(string target)
    {
        var path = Uri.UnescapeDataString(target.Split('?')[0]).ToLowerInvariant();
        var segments = new List<string>();
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }

        return "/" + string.Join('/', segments);
    }

    private sealed record Received(string Method, string Target, string? ForwardedFor);

    private sealed record Answer(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body);

    /// <summary>An upstream standing for one API instance: answers 200 with its name, records what caddy forwarded (health checks aside).</summary>
    private sealed class UpstreamStub : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Received> _received = new();
        private bool _disposed;

        private UpstreamStub(WebApplication app) => _app = app;

        public int Port { get; private set; }

        public IReadOnlyCollection<Received> Received => [.. _received];

        public static async Task<UpstreamStub> StartAsync(string name)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var stub = new UpstreamStub(app);
            app.Run(async context =>
            {
                var forwardedFor = context.Request.Headers["X-Forwarded-For"].ToString();
                // caddy's active health checks carry no X-Forwarded-For; proxied requests always do.
                if (forwardedFor.Length > 0)
                {
                    var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
                    stub._received.Enqueue(new Received(context.Request.Method, target, forwardedFor));
                }

                var body = Encoding.UTF8.GetBytes(name);
                context.Response.ContentType = "text/plain";
                context.Response.ContentLength = body.Length;
                await context.Response.Body.WriteAsync(body);
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            stub.Port = new Uri(app.Urls.Single()).Port;
            return stub;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }
    }

    /// <summary>caddy running the repository's Caddyfile, adapted as the class summary says.</summary>
    private sealed class CaddyRun : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log;
        private readonly TempFolder _folder;

        private CaddyRun(Process process, StringBuilder log, TempFolder folder, int port)
        {
            _process = process;
            _log = log;
            _folder = folder;
            Port = port;
        }

        public int Port { get; }

        /// <summary>Every (answering instance, powerview_lb cookie) pair caddy handed out so far.</summary>
        public List<(string Body, string Cookie)> CookiesSeen { get; } = [];

        public static async Task<CaddyRun> StartAsync(string caddy, int api, int api2, string adminAllow)
        {
            var folder = new TempFolder();
            var text = await File.ReadAllTextAsync(RepositoryFiles.Path("Caddyfile"), TestContext.Current.CancellationToken);
            Assert.Matches(@"\bapi:8080\b", text);
            Assert.Matches(@"\bapi2:8080\b", text);
            text = Regex.Replace(text, @"\bapi:8080\b", $"127.0.0.1:{api}");
            text = Regex.Replace(text, @"\bapi2:8080\b", $"127.0.0.1:{api2}");
            // Listen on loopback only (the site addresses below would otherwise bind every interface).
            var global = text.IndexOf("\temail ", StringComparison.Ordinal);
            Assert.True(global > 0, "the Caddyfile's global options block (email) is gone");
            text = text.Insert(global, "\tdefault_bind 127.0.0.1\n");
            var caddyfile = Path.Combine(folder.Root, "Caddyfile");
            await File.WriteAllTextAsync(caddyfile, text, TestContext.Current.CancellationToken);

            var port = FreePort();
            var start = new ProcessStartInfo(caddy, ["run", "--config", caddyfile, "--adapter", "caddyfile"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // The variables compose gives caddy (deploy/docker-compose.yml), pointing at loopback.
            start.Environment["API_HOST"] = $"http://127.0.0.1:{port}";
            start.Environment["GRAFANA_HOST"] = $"http://127.0.0.1:{FreePort()}";
            start.Environment["SFTPGO_HOST"] = $"http://127.0.0.1:{FreePort()}";
            start.Environment["INFLUX_HOST"] = $"http://127.0.0.1:{FreePort()}";
            start.Environment["ADMIN_ALLOW"] = adminAllow;
            start.Environment["ACME_EMAIL"] = "test@example.com";
            start.Environment["CADDY_ADMIN"] = $"127.0.0.1:{FreePort()}";
            start.Environment["HOME"] = folder.Root;
            start.Environment["XDG_DATA_HOME"] = Path.Combine(folder.Root, "data");
            start.Environment["XDG_CONFIG_HOME"] = Path.Combine(folder.Root, "config");

            var log = new StringBuilder();
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var run = new CaddyRun(process, log, folder, port);

            // Ready when its port accepts connections (at most 20 s), unless it stopped first.
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited)
                {
                    await run.DisposeAsync();
                    throw new Xunit.Sdk.XunitException($"caddy exited with {process.ExitCode}:\n{run.Log}");
                }

                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
                    return run;
                }
                catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(20))
                {
                    await Task.Delay(50, TestContext.Current.CancellationToken);
                }
            }
        }

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        /// <summary>One HTTP/1.1 request on its own connection from <paramref name="source"/>, the target sent exactly as given.</summary>
        public async Task<Answer> SendAsync(string method, string target, IPAddress source, string? body = null, string? cookie = null)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(source, 0));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), timeout.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);

            var request = new StringBuilder()
                .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
                .Append("Host: 127.0.0.1:").Append(Port).Append("\r\n")
                .Append("Connection: close\r\n");
            if (cookie is not null)
            {
                request.Append("Cookie: ").Append(cookie).Append("\r\n");
            }

            var content = Encoding.UTF8.GetBytes(body ?? "");
            if (body is not null)
            {
                request.Append("Content-Type: application/json\r\nContent-Length: ").Append(content.Length).Append("\r\n");
            }

            // One write: caddy answers 404 without reading a body, and a body still unread when it closes the connection
            // makes the kernel reset it; sent with the headers, the body is in caddy's first read.
            byte[] payload = [.. Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), .. content];
            await stream.WriteAsync(payload, timeout.Token);

            using var response = new MemoryStream();
            try
            {
                await stream.CopyToAsync(response, timeout.Token);
            }
            catch (IOException) when (IsComplete(response.ToArray()))
            {
                // Reset after the whole answer arrived (the same unread-body case): the answer stands.
            }

            var answer = Parse(response.ToArray());
            var lb = answer.Headers.FirstOrDefault(h => h.Key == "set-cookie" && h.Value.StartsWith("powerview_lb=", StringComparison.Ordinal));
            if (lb.Value is not null)
            {
                CookiesSeen.Add((answer.Body, lb.Value.Split(';')[0]));
            }

            return answer;
        }

        /// <summary>Headers and the whole body by Content-Length (or the last chunk) received.</summary>
        private static bool IsComplete(byte[] raw)
        {
            var text = Encoding.UTF8.GetString(raw);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            var length = Regex.Match(text[..end], @"(?im)^content-length:\s*([0-9]+)\s*$");
            return length.Success
                ? Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
                : text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
        }

        private Answer Parse(byte[] raw)
        {
            var text = Encoding.UTF8.GetString(raw);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            Assert.True(end > 0, $"no complete HTTP answer from caddy: '{text}'\n{Log}");
            var lines = text[..end].Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var headers = lines.Skip(1)
                .Select(l => new KeyValuePair<string, string>(l[..l.IndexOf(':', StringComparison.Ordinal)].ToLowerInvariant(), l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
                .ToList();
            var body = text[(end + 4)..];
            if (headers.Any(h => h.Key == "transfer-encoding" && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
            {
                var decoded = new StringBuilder();
                var rest = body;
                while (true)
                {
                    var lineEnd = rest.IndexOf("\r\n", StringComparison.Ordinal);
                    var size = Convert.ToInt32(rest[..lineEnd].Split(';')[0], 16);
                    if (size == 0)
                    {
                        break;
                    }

                    decoded.Append(rest.AsSpan(lineEnd + 2, size));
                    rest = rest[(lineEnd + 2 + size + 2)..];
                }

                body = decoded.ToString();
            }

            return new Answer(status, headers, body);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            _folder.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
