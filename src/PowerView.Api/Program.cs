using PowerView.Api.Cli;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;
using PowerView.Api.Ingestion;
using PowerView.Api.Monitoring;

if (CliApp.IsCommand(args))
{
    return await CliApp.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddPowerViewConfiguration(ServiceMode.Web);
builder.AddPowerViewLogging(ServiceMode.Web);
builder.AddErrorHandling();
builder.AddOpenApiWithSwaggerUi();
builder.AddIngestion();
builder.AddMonitoring();
builder.AddHealth();

var app = builder.Build();

app.UseErrorHandling();
app.MapOpenApiWithSwaggerUi();
app.MapHealth();
app.MapMonitoring();

await app.RunAsync();
return 0;
