using PowerView.Api.Cli;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;
using PowerView.Api.Hosting.Health;
using PowerView.Api.Hosting.Json;
using PowerView.Api.Hosting.Metrics;
using PowerView.Api.Hosting.Security;
using PowerView.Api.Ingestion;
using PowerView.Api.Jobs;
using PowerView.Api.Provisioning;
using PowerView.Api.Runs;
using PowerView.Api.Webhooks;
using Serilog;

if (CliApp.IsCommand(args))
{
    return await CliApp.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot.Choose(args) });

// Shared: configuration, logging, proxy headers, errors, JSON, keys, OpenAPI, health.
builder.AddPowerViewConfiguration(ServiceMode.Web);
builder.AddPowerViewLogging(ServiceMode.Web);
builder.AddPowerViewForwardedHeaders();
builder.AddErrorHandling();
builder.AddApiJson();
builder.AddApiKeyAuthentication();
builder.AddRateLimits();
builder.AddOpenApiWithSwaggerUi();
builder.AddHealth();

// Features: each binds its options and registers its services, checks and gauges.
builder.AddRuns();
builder.AddIngestion();
builder.AddProvisioning();
builder.AddJobs();
builder.AddWebhooks();

var app = builder.Build();

// Options are checked before the pipeline is built (mapping the dashboard already needs the job storage): a wrong
// key, like a port in use, is one line and exit code 2.
return await StartupFailures.RunAsync(app, app =>
{
    app.UsePowerViewForwardedHeaders();
    app.UseSerilogRequestLogging();
    app.UseErrorHandling();
    app.UseRateLimits();
    app.UseApiKeyAuthentication();
    app.MapOpenApiWithSwaggerUi();
    app.MapHealth();
    app.MapMetrics();
    app.MapRuns();
    app.MapIngestion();
    app.MapProvisioning();
    app.MapWebhooks();
    app.MapJobsDashboard();
});
