using System.Diagnostics;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// The built service as an operator runs it: <c>dotnet PowerView.Api.dll &lt;args&gt;</c> in a test's folder, with the data
/// root and state folder of that folder and the Testing environment unless the test says otherwise.
/// </summary>
internal static class PowerViewProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "PowerView.Api.dll");

    /// <summary>Runs to its end (bounded by the test's cancellation) and returns the exit code and both outputs.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(TempFolder folder, string[] args, params (string Key, string? Value)[] environment)
    {
        using var process = Process.Start(StartInfo(folder, args, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static ProcessStartInfo StartInfo(TempFolder folder, string[] args, params (string Key, string? Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["PowerView__DataRoot"] = folder.DataRoot;
        start.Environment["PowerView__StateDir"] = folder.StateDir;
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        return start;
    }
}
