namespace PowerView.Api.Configuration;

/// <summary>
/// Where the configuration files are looked for. ASP.NET Core takes the working folder; a service started from
/// another folder (systemd without WorkingDirectory, a script in /) would silently run without its appsettings.json,
/// and so without its log levels and settings. When the working folder has none and the application's folder has
/// one (a published build), the application's folder is the content root.
/// </summary>
internal static class ContentRoot
{
    public const string SettingsFile = "appsettings.json";

    /// <returns>The folder to use, or null to keep ASP.NET Core's choice (the working folder, or what the arguments say).</returns>
    public static string? Choose(string[] args)
    {
        if (args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase) || a.StartsWith("contentRoot=", StringComparison.OrdinalIgnoreCase))
            || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is not null
            || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is not null)
        {
            return null;
        }

        return !File.Exists(Path.Combine(Directory.GetCurrentDirectory(), SettingsFile)) && File.Exists(Path.Combine(AppContext.BaseDirectory, SettingsFile))
            ? AppContext.BaseDirectory
            : null;
    }
}
