using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using PowerView.Api.Configuration;
using PowerView.Api.Provisioning;
using PowerView.Api.Tests.Infrastructure.Doubles;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>
/// The provisioning feature as a process would host it (<c>AddProvisioning</c>), pointed at the two doubles.
/// Each host has its own lock and clients: two hosts are two processes of the service.
/// </summary>
internal sealed class ProvisioningHost : IDisposable
{
    public const string InfluxUrlForGrafana = "http://influxdb:8086";
    public const string ApiUrl = "http://api:8080";

    private readonly IHost _host;

    private ProvisioningHost(IHost host, FakeCompanyApiKeys keys, LogCapture logs)
    {
        _host = host;
        Keys = keys;
        Logs = logs;
    }

    public FakeCompanyApiKeys Keys { get; }

    /// <summary>Every log line of every level, the HTTP client factory's included.</summary>
    public LogCapture Logs { get; }

    public CompanyProvisioner Provisioner => _host.Services.GetRequiredService<CompanyProvisioner>();

    public static ProvisioningHost Start(GrafanaApiDouble grafana, InfluxApiDouble influx, IDictionary<string, string?>? overrides = null,
        FakeCompanyApiKeys? keys = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Grafana:Url"] = grafana.Url.ToString(),
            ["Grafana:AdminUser"] = GrafanaApiDouble.AdminLogin,
            ["Grafana:AdminPassword"] = GrafanaApiDouble.AdminPassword,
            ["Grafana:InfluxUrl"] = InfluxUrlForGrafana,
            ["Grafana:ApiUrl"] = ApiUrl,
            ["Influx:Url"] = influx.Url.ToString(),
            ["Influx:Token"] = InfluxApiDouble.AllAccessToken,
            ["Influx:Org"] = InfluxApiDouble.OrgName,
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        var logs = new LogCapture();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        // The shared configuration (Influx options, the state folder's paths), as the service's hosts register it.
        builder.AddPowerViewConfiguration(ServiceMode.Cli);
        builder.AddProvisioning();
        keys ??= new FakeCompanyApiKeys();
        builder.Services.AddSingleton<ICompanyApiKeys>(keys);
        // Retries stay on (a test can fail more often than they retry), without their waits.
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(o =>
        {
            o.Retry.Delay = TimeSpan.Zero;
            o.Retry.UseJitter = false;
            o.CircuitBreaker.MinimumThroughput = int.MaxValue;
        });
        var host = builder.Build();
        return new ProvisioningHost(host, keys, logs);
    }

    public void Dispose() => _host.Dispose();
}

/// <summary>The key store of phase 2, in memory: what it was asked to remember and to forget.</summary>
internal sealed class FakeCompanyApiKeys : ICompanyApiKeys
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Company, byte[] Hash)> _keys = [];
    private int _next;

    public IReadOnlyList<(string Id, string Company, byte[] Hash)> Keys
    {
        get
        {
            lock (_gate)
            {
                return [.. _keys.Select(k => (k.Key, k.Value.Company, k.Value.Hash))];
            }
        }
    }

    public Task<string> AddAsync(string company, byte[] sha256, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var id = $"key-{++_next}";
            _keys[id] = (company, sha256);
            return Task.FromResult(id);
        }
    }

    public Task RemoveAsync(string company, string keyId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _keys.Remove(keyId);
        }

        return Task.CompletedTask;
    }
}

internal sealed class LogCapture : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The message and every structured value, so that a secret passed as a property is caught too.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}
