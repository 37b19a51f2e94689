using PowerView.Api.Cli;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;
using PowerView.Api.Ingestion;

if (CliApp.IsCommand(args))
{
    return await CliApp.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddPowerViewConfiguration(ServiceMode.Web);
builder.AddPowerViewLogging(ServiceMode.Web);
builder.AddIngestion();

var app = builder.Build();

app.MapGet("/alive", () => "ok");

await app.RunAsync();
return 0;
