using System.CommandLine;

namespace PowerView.Api.Cli;

/// <summary>
/// <c>healthcheck [--url …]</c>: asks the running service's <c>/alive</c>, for a container's HEALTHCHECK (the runtime
/// image has no curl). No host is built: it must cost little every 30 s. Exit 0 when it answers 200, else 1.
/// </summary>
internal static class HealthcheckCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var url = new Option<string?>("--url")
        {
            Description = "The liveness URL; default http://127.0.0.1:<port>/alive with the port of ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS (else 8080).",
        };
        var command = new Command("healthcheck", "Ask the running service's /alive; exit 0 when it answers 200, 1 otherwise.") { url };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var given = parse.GetValue(url);
            if (given is not null && !(Uri.TryCreate(given, UriKind.Absolute, out _) && given.StartsWith("http", StringComparison.OrdinalIgnoreCase)))
            {
                await Console.Error.WriteLineAsync($"PowerView.Api: --url '{given}' is not an absolute http(s) URL");
                return Hosting.StartupFailures.ExitCode;
            }

            var target = given is null ? DefaultUrl() : new Uri(given);
            using var http = new HttpClient { Timeout = Timeout };
            try
            {
                using var response = await http.GetAsync(target, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    await Console.Out.WriteLineAsync($"{target}: {(int)response.StatusCode}");
                    return 0;
                }

                await Console.Error.WriteLineAsync($"PowerView.Api: {target} answered {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await Console.Error.WriteLineAsync($"PowerView.Api: {target} did not answer: {ex.Message}");
            }

            return 1;
        });
        return command;
    }

    /// <summary>The service's own address as the container sets it, on loopback (<c>http://+:8080</c> → <c>http://127.0.0.1:8080/alive</c>).</summary>
    private static Uri DefaultUrl()
    {
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        var port = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split([',', ';'])[0].Trim();
        if (!string.IsNullOrWhiteSpace(urls))
        {
            var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
            var scheme = first.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
            var colon = first.LastIndexOf(':');
            port = colon > first.IndexOf("//", StringComparison.Ordinal) ? first[(colon + 1)..].TrimEnd('/') : (scheme == "https" ? "443" : "80");
            return new Uri($"{scheme}://127.0.0.1:{port}/alive");
        }

        return new Uri($"http://127.0.0.1:{(string.IsNullOrEmpty(port) ? "8080" : port)}/alive");
    }
}
