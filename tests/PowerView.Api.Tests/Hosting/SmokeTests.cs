using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Hosting;

public sealed class SmokeTests
{
    [Fact]
    public async Task ServiceStartsAndAnswersAlive()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient();

        var response = await client.GetAsync("/alive", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
