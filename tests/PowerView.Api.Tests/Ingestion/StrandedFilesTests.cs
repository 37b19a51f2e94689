using System.Net;
using System.Text.Json;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Ingestion;

/// <summary>Files that will never be ingested where they are do not sit there unseen: listed with their reason, counted in /metrics.</summary>
public sealed class StrandedFilesTests
{
    private static void Write(TempFolder folder, string relative)
    {
        var path = Path.Combine(folder.DataRoot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "02000800\t02000800\nMV_T302_V002\tPh 1 V\n");
    }

    private static void PlaceEverything(TempFolder folder)
    {
        // Stranded: at the top, one and two levels too shallow, not .tsv, one level too deep.
        foreach (var stranded in new[] { "loose.tsv", "acme/T302_a.tsv", "acme/site1/T302_b.tsv", "acme/site1/02000800/notes.txt", "acme/site1/02000800/old/T302_c.tsv", "globex/x/T302_d.tsv" })
        {
            Write(folder, stranded);
        }

        // Not stranded: a waiting device file, what was processed, uploads in flight, hidden files.
        foreach (var fine in new[] { "acme/site1/02000800/T302_ok.tsv", "acme/site1/02000800/parsed/T302_done.tsv", "acme/site1/02000800/error/T302_bad.tsv",
            "acme/site1/02000800/T302_e.tsv.filepart", "acme/site1/02000800/.sftpgo-upload.T302_f.tsv", "acme/.hidden/T302_g.tsv" })
        {
            Write(folder, fine);
        }
    }

    [Fact]
    public async Task TheAdminSeesEveryStrandedFileWithItsReasonAndNothingThatWillBeIngested()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        PlaceEverything(folder);
        using var admin = app.CreateClient(PowerViewApplication.AdminKey);

        var listed = (await admin.GetJsonAsync("/api/files/stranded")).EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("reason").GetString()!);

        Assert.Equal(["acme/T302_a.tsv", "acme/site1/02000800/notes.txt", "acme/site1/02000800/old/T302_c.tsv", "acme/site1/T302_b.tsv", "globex/x/T302_d.tsv", "loose.tsv"],
            listed.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("2 level(s) deep", listed["acme/T302_a.tsv"], StringComparison.Ordinal);
        Assert.Equal("not a .tsv file", listed["acme/site1/02000800/notes.txt"]);
        Assert.StartsWith("5 levels deep", listed["acme/site1/02000800/old/T302_c.tsv"], StringComparison.Ordinal);
        Assert.StartsWith("1 level(s) deep", listed["loose.tsv"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACompanyKeySeesOnlyItsCompanysAndMetricsCountThemAll()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        Write(folder, "company1/T302_a.tsv");
        Write(folder, "acme/T302_b.tsv");
        Write(folder, "loose.tsv");
        using var company = app.CreateClient(PowerViewApplication.Company1Key);
        using var admin = app.CreateClient(PowerViewApplication.AdminKey);

        var seen = (await company.GetJsonAsync("/api/files/stranded")).EnumerateArray().Select(f => f.GetProperty("path").GetString());
        var metrics = await admin.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(["company1/T302_a.tsv"], seen);
        Assert.Contains("\npowerview_stranded_files 3\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUploadOneLevelTooShallowIsIgnoredByTheHookAndListed()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        Write(folder, "acme/site1/T302_shallow.tsv");

        var (code, answer) = await HookCalls.PostAsync(client, HookCalls.Upload(Path.Combine(folder.DataRoot, "acme/site1/T302_shallow.tsv")));
        using var admin = app.CreateClient(PowerViewApplication.AdminKey);
        var listed = await admin.GetJsonAsync("/api/files/stranded");

        Assert.Equal((HttpStatusCode.OK, "ignored"), (code, answer.GetProperty("status").GetString()));
        Assert.Equal("acme/site1/T302_shallow.tsv", Assert.Single(listed.EnumerateArray()).GetProperty("path").GetString());
    }

    [Fact]
    public async Task WithoutAKeyTheListIsRefused()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var anonymous = app.CreateClient();

        using var response = await anonymous.GetAsync("/api/files/stranded", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.ValueKind);
    }
}
