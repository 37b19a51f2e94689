using PowerView.Api.Cli;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;
using PowerView.Api.Ingestion;
using PowerView.Api.Jobs;
using PowerView.Api.Monitoring;
using PowerView.Api.Webhooks;
using Serilog;

if (CliApp.IsCommand(args))
{
    return await CliApp.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddPowerViewConfiguration(ServiceMode.Web);
builder.AddPowerViewLogging(ServiceMode.Web);
builder.AddPowerViewForwardedHeaders();
builder.AddErrorHandling();
builder.AddOpenApiWithSwaggerUi();
builder.AddIngestion();
builder.AddJobs();
builder.AddWebhooks();
builder.AddMonitoring();
builder.AddHealth();

var app = builder.Build();

app.UsePowerViewForwardedHeaders();
app.UseSerilogRequestLogging();
app.UseErrorHandling();
app.MapOpenApiWithSwaggerUi();
app.MapHealth();
app.MapWebhooks();
app.MapMonitoring();
app.MapJobsDashboard();

await app.RunAsync();
return 0;
