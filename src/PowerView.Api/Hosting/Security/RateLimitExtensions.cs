using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;

namespace PowerView.Api.Hosting.Security;

internal static class RateLimitExtensions
{
    /// <summary>
    /// ASP.NET Core's rate limiter, partitioned by path: the hook per client address, <c>/api</c> and <c>/metrics</c> per
    /// presented key (per address without one); and the failed-authentication counter for every path. Refusals are
    /// 429 ProblemDetails with <c>Retry-After</c>. Every feature's routes are covered without asking for it.
    /// </summary>
    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidation>(RateLimitOptions.SectionName);
        builder.Services.AddSingleton<FailedAuthentications>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptionsMonitor<RateLimitOptions>>((limiter, limits) =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, limits.CurrentValue));
            limiter.OnRejected = (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                return TooManyAsync(rejected.HttpContext, retryAfter, "Too many requests from this client; try again after Retry-After seconds.");
            };
        });
        return builder;
    }

    /// <summary>The failed-authentication gate, then the rate limiter: early, so a refused request costs little.</summary>
    public static WebApplication UseRateLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var failures = context.RequestServices.GetRequiredService<FailedAuthentications>();
            var client = context.Connection.RemoteIpAddress;
            if (failures.Blocked(client) is { } wait)
            {
                await TooManyAsync(context, wait, "Too many failed authentications from this address; try again after Retry-After seconds.");
                return;
            }

            await next(context);
            if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
            {
                failures.Failed(client);
            }
        });
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitOptions limits)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/hooks") && limits.HookPerSecond > 0)
        {
            return Bucket("hook:" + context.Connection.RemoteIpAddress, limits.HookPerSecond, limits.HookBurst);
        }

        if ((path.StartsWithSegments("/api") || path.StartsWithSegments("/metrics")) && limits.ApiPerSecond > 0)
        {
            // One bucket per key, whoever uses it; the key itself is never kept, only its hash.
            var authorization = context.Request.Headers.Authorization.ToString();
            var who = authorization.Length > 0
                ? "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(authorization)))
                : "address:" + context.Connection.RemoteIpAddress;
            return Bucket("api:" + who, limits.ApiPerSecond, limits.ApiBurst);
        }

        return RateLimitPartition.GetNoLimiter("unlimited");
    }

    private static RateLimitPartition<string> Bucket(string key, int perSecond, int burst) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static async ValueTask TooManyAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too Many Requests", Detail = detail },
        });
    }
}
