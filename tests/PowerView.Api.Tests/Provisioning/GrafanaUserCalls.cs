using System.Globalization;
using System.Text;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>What a customer signed in to the Grafana double can reach: the status Grafana answers them.</summary>
internal static class GrafanaUserCalls
{
    public static async Task<int> GetAsync(GrafanaApiDouble grafana, string login, string password, string path, long? orgId = null)
    {
        using var http = new HttpClient { BaseAddress = grafana.Url };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{password}")));
        if (orgId is { } org)
        {
            request.Headers.Add("X-Grafana-Org-Id", org.ToString(CultureInfo.InvariantCulture));
        }

        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }
}
