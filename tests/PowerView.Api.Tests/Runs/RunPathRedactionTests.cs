using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Configuration;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Runs;

/// <summary>The texts of a run name no absolute server path: a company key reads them.</summary>
public sealed class RunPathRedactionTests
{
    private static readonly PowerViewPaths Paths = new("/srv/powerview/data", "/var/lib/powerview");

    [Theory]
    [InlineData("Could not find file '/srv/powerview/data/acme/site1/02000800/T302_a.tsv'.", "Could not find file 'acme/site1/02000800/T302_a.tsv'.")]
    [InlineData("Access to the path '/var/lib/powerview/reports/2026-01-05' is denied.", "Access to the path '<StateDir>/reports/2026-01-05' is denied.")]
    [InlineData("the data root /srv/powerview/data is full", "the data root . is full")]
    [InlineData("/srv/powerview/data-old/acme stays as it is", "/srv/powerview/data-old/acme stays as it is")]
    [InlineData("the file has no format lines", "the file has no format lines")]
    public void PathsUnderTheDataRootBecomeRelativeAndTheStateFolderIsNamed(string text, string expected) =>
        Assert.Equal(expected, RunPathRedaction.Redact(text, Paths));

    [Fact]
    public void AStateFolderUnderTheDataRootIsNamedAsTheStateFolder()
    {
        var paths = new PowerViewPaths("/srv/pv", "/srv/pv/.state");

        Assert.Equal("<StateDir>/runs.db is locked; acme/x.tsv kept",
            RunPathRedaction.Redact("/srv/pv/.state/runs.db is locked; /srv/pv/acme/x.tsv kept", paths));
    }

    [Fact]
    public async Task ARecordedRunShowsItsCompanyRelativePathsOnly()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        var paths = app.Services.GetRequiredService<PowerViewPaths>();
        var device = Path.Combine(paths.DataRoot, "company1", "c1", "02001171");
        var run = Ingest(T0, "company1", "c1", "02001171", "T302_a.tsv", RunStatus.Deferred,
            error: $"could not read the file: Input/output error : '{Path.Combine(device, "T302_a.tsv")}'") with
        {
            Warnings = [$"the file could not be moved to parsed/: Access to the path '{Path.Combine(device, "parsed")}' is denied."],
            Message = $"the line-protocol copy is kept under {Path.Combine(paths.StateDir, "lp")}",
        };

        await app.Services.GetRequiredService<RunRecorder>().RecordAsync(run, TestContext.Current.CancellationToken);
        using var client = app.CreateClient(PowerViewApplication.Company1Key);
        var body = await client.GetStringAsync($"/api/runs/{run.Id}", TestContext.Current.CancellationToken);

        Assert.DoesNotContain(paths.DataRoot, body);
        Assert.DoesNotContain(folder.Root, body);
        Assert.Contains("company1/c1/02001171/T302_a.tsv", body);
        Assert.Contains("'company1/c1/02001171/parsed' is denied", body);
        Assert.Contains("<StateDir>/lp", body.Replace("\\u003C", "<").Replace("\\u003E", ">"));
    }
}
