using PowerView.Api.Cli;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;
using PowerView.Api.Ingestion;
using PowerView.Api.Jobs;
using PowerView.Api.Webhooks;
using Serilog;

if (CliApp.IsCommand(args))
{
    return await CliApp.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddPowerViewConfiguration(ServiceMode.Web);
builder.AddPowerViewLogging(ServiceMode.Web);
builder.AddIngestion();
builder.AddJobs();
builder.AddWebhooks();

var app = builder.Build();

app.UseSerilogRequestLogging();

app.MapGet("/alive", () => "ok");
app.MapWebhooks();
app.MapJobsDashboard();

await app.RunAsync();
return 0;
