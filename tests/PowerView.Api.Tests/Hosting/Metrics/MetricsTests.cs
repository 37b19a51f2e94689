using System.Globalization;
using Hangfire.InMemory;
using Hangfire.States;
using Hangfire;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Hosting.Metrics;

/// <summary>
/// The Prometheus registry is process-wide: the tests that read gauge values sit in this one class, so
/// they never scrape at the same time.
/// </summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task MetricsCountRunsByStatusAndPointsAndTimeIngestions()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, RunsApi.NoSweep);
        var pipeline = app.Services.GetRequiredService<IngestionPipeline>();
        await pipeline.IngestAsync(folder.PlaceSample("0_camp_base-parsed/T302_251026_031500.tsv"), RunTrigger.Hook, TestContext.Current.CancellationToken);
        await pipeline.IngestAsync(folder.PlaceSample("0_camp_base-error/T302_260109_120045.tsv"), RunTrigger.Hook, TestContext.Current.CancellationToken);
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var scrape = await ScrapeAsync(client);

        Assert.StartsWith("text/plain", (await client.GetAsync("/metrics", TestContext.Current.CancellationToken)).Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.True(Value(scrape, "powerview_runs_total{kind=\"ingest\",status=\"success\"}") >= 1);
        Assert.True(Value(scrape, "powerview_runs_total{kind=\"ingest\",status=\"error\"}") >= 1);
        Assert.True(Value(scrape, "powerview_points_written_total") >= 1);
        Assert.True(Value(scrape, "powerview_ingest_duration_seconds_count") >= 2);
    }

    [Fact]
    public async Task WaitingFilesAndTheAgeOfTheOldestAreGauges()
    {
        using var folder = new TempFolder();
        var old = folder.PlaceSample("0_camp_base-parsed/T302_251027_031520.tsv");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-3));
        // A copy keeps the sample's time, the checkout's: left alone, this file is the oldest once the checkout is 3 h old.
        var recent = folder.PlaceSample("0_camp_base-parsed/T302_251028_031519.tsv", device: "02000900");
        File.SetLastWriteTimeUtc(recent, DateTime.UtcNow.AddMinutes(-1));
        // Never counted: already parsed, or a temporary upload name.
        folder.PlaceSample("0_camp_base-parsed/T302_251029_031500.tsv", device: "02000800/parsed");
        folder.PlaceFile("partial", name: ".sftpgo-upload.T302_x.tsv");
        await using var app = new PowerViewApplication(folder, RunsApi.NoSweep);
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var scrape = await ScrapeAsync(client);

        Assert.Equal(2, Value(scrape, "powerview_waiting_files"));
        var age = Value(scrape, "powerview_oldest_waiting_file_age_seconds");
        Assert.InRange(age, 3 * 3600 - 5, 3 * 3600 + 600);
    }

    [Fact]
    public async Task TheQueueLengthComesFromHangfireWhenItIsRegistered()
    {
        using var folder = new TempFolder();
        using var storage = new InMemoryStorage();
        var jobs = new BackgroundJobClient(storage);
        // A queue no server listens to: the jobs stay enqueued.
        jobs.Create(() => Console.WriteLine("one"), new EnqueuedState("monitoring-test"));
        jobs.Create(() => Console.WriteLine("two"), new EnqueuedState("monitoring-test"));
        await using var app = new PowerViewApplication(folder, RunsApi.NoSweep);
        await using var withJobs = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<JobStorage>(storage)));
        using var client = withJobs.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", PowerViewApplication.AdminKey);

        var scrape = await ScrapeAsync(client);

        Assert.Equal(2, Value(scrape, "powerview_queue_length"));
        Assert.Equal(0, Value(scrape, "powerview_jobs_processing"));
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private static double Value(string scrape, string series)
    {
        var line = scrape.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"{series} not in the scrape:\n{string.Join('\n', scrape.Split('\n').Where(l => l.StartsWith("powerview", StringComparison.Ordinal)))}");
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
