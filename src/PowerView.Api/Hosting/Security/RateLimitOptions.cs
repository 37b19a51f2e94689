using Microsoft.Extensions.Options;

namespace PowerView.Api.Hosting.Security;

/// <summary>Section <c>RateLimits</c>: how much one client may ask. 0 turns a limit off.</summary>
internal sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Answers 401 one client address may get in a minute; after that it gets 429 until the minute has passed (guessing keys).</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 10;

    /// <summary>Requests per second one monitoring key (or one address without a key) may make to <c>/api</c> and <c>/metrics</c>.</summary>
    public int ApiPerSecond { get; set; } = 50;

    /// <summary>How many of those may come at once.</summary>
    public int ApiBurst { get; set; } = 100;

    /// <summary>Hook calls per second from one address: generous, SFTPGo sends bursts of hundreds.</summary>
    public int HookPerSecond { get; set; } = 5000;

    public int HookBurst { get; set; } = 5000;
}

internal sealed class RateLimitOptionsValidation : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions o)
    {
        var errors = new List<string>();
        foreach (var (value, key) in new[]
        {
            (o.FailedAuthenticationsPerMinute, nameof(o.FailedAuthenticationsPerMinute)), (o.ApiPerSecond, nameof(o.ApiPerSecond)),
            (o.ApiBurst, nameof(o.ApiBurst)), (o.HookPerSecond, nameof(o.HookPerSecond)), (o.HookBurst, nameof(o.HookBurst)),
        })
        {
            if (value is < 0 or > 1_000_000)
            {
                errors.Add($"RateLimits:{key} must be between 0 (no limit) and 1000000");
            }
        }

        if (o.ApiPerSecond > 0 && o.ApiBurst < o.ApiPerSecond)
        {
            errors.Add("RateLimits:ApiBurst must be at least RateLimits:ApiPerSecond");
        }

        if (o.HookPerSecond > 0 && o.HookBurst < o.HookPerSecond)
        {
            errors.Add("RateLimits:HookBurst must be at least RateLimits:HookPerSecond");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
