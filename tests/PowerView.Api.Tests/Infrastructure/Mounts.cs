using System.Diagnostics;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// Real file-system failures for the fault tests: a folder remounted read-only (a bind mount of itself, so even root gets
/// EROFS, which permissions alone cannot give a root test process) or replaced by a small tmpfs that really fills up.
/// A folder nobody may add to, not even root, is an immutable one (chattr +i): a read-only bind mount would be another
/// mount, where a rename fails with EXDEV rather than as a folder that is not writable.
/// Needs root and mount(8); otherwise the test is skipped, or fails under CI, which runs as root. Undone on dispose.
/// </summary>
internal sealed class Mounts : IDisposable
{
    private readonly Stack<string> _mounted = new();
    private readonly List<string> _immutable = [];

    /// <summary>Nothing can be added to or removed from <paramref name="folder"/> (chattr +i), by root either.</summary>
    public void NotWritable(string folder)
    {
        Run("chattr", "+i", folder);
        _immutable.Add(folder);
    }

    public void Writable(string folder)
    {
        Run("chattr", "-i", folder);
        _immutable.Remove(folder);
    }

    /// <summary>Makes <paramref name="folder"/> read-only from now on (what is in it stays readable).</summary>
    public void ReadOnly(string folder)
    {
        Run("mount", "--bind", folder, folder);
        _mounted.Push(folder);
        Run("mount", "-o", "remount,ro,bind", folder, folder);
    }

    /// <summary>Mounts an empty tmpfs of <paramref name="bytes"/> on <paramref name="folder"/> (what was there is hidden until disposed).</summary>
    public void Small(string folder, long bytes)
    {
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", folder);
        _mounted.Push(folder);
    }

    /// <summary>Unmounts the last mount made on <paramref name="folder"/>.</summary>
    public void Undo(string folder)
    {
        Assert.Equal(folder, _mounted.Peek());
        Run("umount", _mounted.Pop());
    }

    /// <summary>Fills a folder's file system until a write fails with ENOSPC.</summary>
    public static void Fill(string folder)
    {
        // Unbuffered: every write reaches the file system, and nothing is left to flush when it is closed.
        using var filler = new FileStream(Path.Combine(folder, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[64 * 1024];
        try
        {
            // Bounded by the file system's size: the tmpfs is small.
            while (true)
            {
                filler.Write(block);
            }
        }
        catch (IOException)
        {
        }

        // Whatever fits in less than a block goes too.
        try
        {
            for (var i = 0; i < block.Length; i++)
            {
                filler.WriteByte(0);
            }
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        foreach (var folder in _immutable)
        {
            Run("chattr", ["-i", folder], check: false);
        }

        while (_mounted.TryPop(out var folder))
        {
            // Lazily: a test that failed half-way may still hold files there.
            Run("umount", ["-l", folder], check: false);
        }
    }

    private static void Run(string program, params string[] args) => Run(program, args, check: true);

    private static void Run(string program, string[] args, bool check)
    {
        if (Environment.UserName != "root" && check)
        {
            throw InstalledTools.SkipOrFail("mounting a read-only or small folder needs root");
        }

        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && check)
        {
            throw InstalledTools.SkipOrFail($"{program} {string.Join(' ', args)} failed: {error.Trim()}");
        }
    }
}
