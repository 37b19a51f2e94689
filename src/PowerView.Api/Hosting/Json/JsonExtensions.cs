namespace PowerView.Api.Hosting.Json;

internal static class JsonExtensions
{
    /// <summary>Every JSON answer follows <see cref="ApiJson"/>: the same shape as the reports on disk.</summary>
    public static IHostApplicationBuilder AddApiJson(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        return builder;
    }
}
