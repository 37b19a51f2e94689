using Microsoft.Win32.SafeHandles;
using PowerView.Api.Ingestion.Files;

namespace PowerView.Api.Ingestion;

/// <summary>
/// The one way a data file is opened and moved. A path check alone can be raced (a folder swapped for a link between
/// the check and the open), and opening follows links and blocks on a FIFO before any check can run; so the file is
/// opened without following a link and without blocking, and then the <em>opened handle</em> is checked: a regular
/// file, one name (a hard link is another name for a file that may be outside the data root, or already ingested),
/// and really where it should be (<c>/proc/self/fd/&lt;n&gt;</c> is under the data root's real path, at the expected
/// place). A move is made between two folders opened the same way, by a rename that never replaces anything, into
/// <c>parsed/</c> or <c>error/</c> only when it is a real folder (never a link, never a file of that name).
/// </summary>
internal sealed class DataFileAccess(DataLayout layout)
{
    /// <summary>parsed/x.tsv, x.1.tsv … x.99999.tsv: a folder holding that many copies of one name needs an operator, not a loop.</summary>
    private const int MaxSuffix = 100_000;

    /// <summary>Opens a data file for reading with a lock (exclusive for a run, shared for a probe).</summary>
    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    /// <exception cref="DataFileRefusedException">Not a regular file with one name in its place under the data root.</exception>
    /// <exception cref="FileLockedException">Another run (or, for an exclusive lock, a reader) holds the file.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="IOException">Any other failure to open it.</exception>
    public OpenedDataFile Open(DataFile file, bool exclusive)
    {
        var expected = RealRoot() + "/" + Relative(file);
        var handle = Posix.Open(null, expected, follow: false, out var errno) ?? throw OpenError(errno, file);
        try
        {
            var status = Posix.Stat(handle);
            if (WhyRefused(status, file) is { } refused)
            {
                throw new DataFileRefusedException(refused);
            }

            // The kernel's view of the handle: a component of the path swapped for a link after the path was checked
            // leads elsewhere, and the handle says so.
            var real = Posix.RealPath(handle);
            if (real != expected)
            {
                throw new DataFileRefusedException($"'{Relative(file)}' was opened as {Show(real)}: a folder on its path changed (a symbolic link?)");
            }

            if (!Posix.TryLock(handle, exclusive))
            {
                // Whether only readers are in the way (a shared lock would do): the caller may wait for them.
                var byReaders = exclusive && Posix.TryLock(handle, exclusive: false);
                throw new FileLockedException(Relative(file), byReaders);
            }

            return new OpenedDataFile(file, new FileStream(handle, FileAccess.Read, 64 * 1024), status);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Why a file listed in the data root is not one to open, from the name alone (no open, so it never blocks): the
    /// scanner's and the hook's check. The opened handle is checked again (<see cref="Open"/>), since the name can change.
    /// </summary>
    /// <returns>null when it may be opened (or is gone: the caller sees that by itself).</returns>
    public static string? WhyRefused(DataFile file)
    {
        var status = Posix.StatNoFollow(null, file.FullPath, out _);
        return status is { } s ? WhyRefused(s, file) : null;
    }

    /// <summary>The file's current status by name (not following a link), null when it is gone.</summary>
    public static FileIdentity? IdentityOf(DataFile file) => Posix.StatNoFollow(null, file.FullPath, out _)?.Identity;

    /// <summary>The status of the handle now (to see whether the file changed while it was read).</summary>
    public static FileStatus StatusOf(OpenedDataFile opened) => Posix.Stat(opened.Stream.SafeFileHandle);

    /// <summary>
    /// Moves an opened file (the caller holds it, so no other run can start on it) into <paramref name="folderName"/>
    /// next to it, never replacing anything: <c>x.tsv</c>, else <c>x.1.tsv</c>, <c>x.2.tsv</c>…
    /// </summary>
    /// <returns>The new place, relative to the data root.</returns>
    /// <exception cref="FileMoveException">Why it could not be moved (the file is where it was).</exception>
    public string MoveInto(OpenedDataFile opened, string folderName) => MoveInto(opened.File, opened.Status.Identity, folderName);

    /// <inheritdoc cref="MoveInto(OpenedDataFile, string)"/>
    public string MoveInto(DataFile file, FileIdentity identity, string folderName)
    {
        var device = Path.GetDirectoryName(Relative(file))!.Replace('\\', '/');
        using var from = OpenFolder(device);
        var name = file.FileName;
        var current = Posix.StatNoFollow(from, name, out var errno);
        if (current is not { } found || !found.Identity.SameFile(identity))
        {
            throw new FileMoveException(current is null
                ? $"'{file.RelativePath}' is no longer there ({Posix.Describe(errno)})"
                : $"'{file.RelativePath}' was replaced by another file while it was read");
        }

        using var to = OpenOrCreateChildFolder(from, device, folderName);
        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var n = 0; n <= MaxSuffix; n++)
        {
            var candidate = n == 0 ? name : $"{stem}.{n}{extension}";
            var result = Posix.RenameNoReplace(from, name, to, candidate);
            if (result == Posix.EEXIST)
            {
                continue;
            }

            if (result != 0)
            {
                throw new FileMoveException($"'{file.RelativePath}' could not be moved to {folderName}/: {Posix.Describe(result)}");
            }

            // The name could have been swapped for another file between the check and the rename: what moved must be ours.
            if (Posix.StatNoFollow(to, candidate, out _) is not { } moved || !moved.Identity.SameFile(identity))
            {
                Posix.RenameNoReplace(to, candidate, from, name);
                throw new FileMoveException($"'{file.RelativePath}' was replaced by another file while it was moved; that file was put back");
            }

            return $"{device}/{folderName}/{candidate}";
        }

        throw new FileMoveException($"'{file.RelativePath}': {folderName}/ already holds {MaxSuffix + 1} files of that name");
    }

    /// <summary>
    /// Puts a file moved by <see cref="MoveInto(OpenedDataFile, string)"/> back in its device folder under its name, when
    /// the run that moved it could not be recorded (so that it is ingested and recorded again). Never replaces anything.
    /// </summary>
    /// <returns>null when it is back, else why not.</returns>
    public string? MoveBack(DataFile file, string movedTo, FileIdentity identity)
    {
        try
        {
            var device = Path.GetDirectoryName(Relative(file))!.Replace('\\', '/');
            var folder = Path.GetDirectoryName(movedTo)!.Replace('\\', '/');
            using var from = OpenFolder(folder);
            using var to = OpenFolder(device);
            var name = Path.GetFileName(movedTo);
            if (Posix.StatNoFollow(from, name, out _) is not { } moved || !moved.Identity.SameFile(identity))
            {
                return $"'{movedTo}' is no longer the file that was moved";
            }

            var result = Posix.RenameNoReplace(from, name, to, file.FileName);
            return result == 0 ? null : $"'{movedTo}' could not be moved back to '{file.RelativePath}': {Posix.Describe(result)}";
        }
        catch (FileMoveException ex)
        {
            return ex.Message;
        }
    }

    private static string? WhyRefused(FileStatus status, DataFile file)
    {
        if (status.Type != Posix.S_IFREG)
        {
            return $"'{Relative(file)}' is {Posix.TypeName(status.Mode)}, not a regular file";
        }

        return status.Links == 1
            ? null
            : $"'{Relative(file)}' has {status.Links} names (hard links): another name for it may be outside the data root, or already ingested";
    }

    /// <summary>A folder of the data root (relative path), opened without following a link at its end and checked to be really there.</summary>
    private SafeFileHandle OpenFolder(string relative)
    {
        var expected = RealRoot() + "/" + relative;
        var handle = Posix.Open(null, expected, follow: false, out var errno)
            ?? throw new FileMoveException($"the folder '{relative}' cannot be opened: {Posix.Describe(errno)}");
        try
        {
            if (Posix.Stat(handle).Type != Posix.S_IFDIR || Posix.RealPath(handle) != expected)
            {
                throw new FileMoveException($"'{relative}' is not a folder of the data root (a symbolic link on its path?)");
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>parsed/ or error/ inside a device folder: created when missing, refused when a link, a file or anything but a folder has the name.</summary>
    private static SafeFileHandle OpenOrCreateChildFolder(SafeFileHandle parent, string parentRelative, string name)
    {
        var made = Posix.MakeDirectory(parent, name);
        if (made is not (0 or Posix.EEXIST))
        {
            throw new FileMoveException($"the folder '{parentRelative}/{name}' cannot be created: {Posix.Describe(made)}");
        }

        var handle = Posix.Open(parent, name, follow: false, out var errno);
        if (handle is null)
        {
            throw new FileMoveException(errno == Posix.ELOOP
                ? $"'{parentRelative}/{name}' is a symbolic link: files are never moved through one"
                : $"the folder '{parentRelative}/{name}' cannot be opened: {Posix.Describe(errno)}");
        }

        var status = Posix.Stat(handle);
        if (status.Type != Posix.S_IFDIR)
        {
            handle.Dispose();
            throw new FileMoveException($"'{parentRelative}/{name}' is {Posix.TypeName(status.Mode)}, not a folder: a file cannot be moved into it");
        }

        return handle;
    }

    /// <summary>The data root with every link resolved (the operator may well point it through one), as the kernel names it.</summary>
    private string RealRoot()
    {
        using var root = Posix.Open(null, layout.DataRoot, follow: true, out var errno)
            ?? throw new IOException($"the data root cannot be opened: {Posix.Describe(errno)}");
        return Posix.RealPath(root) ?? throw new IOException("the data root's real path cannot be read from /proc/self/fd");
    }

    private static string Relative(DataFile file) => file.RelativePath ?? throw new ArgumentException("a file of the data root has a relative path", nameof(file));

    private string Show(string? real)
    {
        if (real is null)
        {
            return "an unknown place";
        }

        var root = RealRoot();
        return real.StartsWith(root + "/", StringComparison.Ordinal) ? $"'{real[(root.Length + 1)..]}'" : "a file outside the data root";
    }

    private static Exception OpenError(int errno, DataFile file) => errno switch
    {
        Posix.ENOENT or Posix.ENOTDIR => new FileNotFoundException($"'{file.RelativePath}' is no longer there", file.FullPath),
        Posix.ELOOP => new DataFileRefusedException($"'{file.RelativePath}' is a symbolic link: links are never followed"),
        Posix.EACCES => new UnauthorizedAccessException($"'{file.RelativePath}' cannot be read: {Posix.Describe(errno)}"),
        _ => Posix.Error(errno, $"'{file.RelativePath}' cannot be opened"),
    };
}

/// <summary>A data file opened by <see cref="DataFileAccess.Open"/>: the stream (its lock is released with it) and what the handle was when opened.</summary>
internal sealed class OpenedDataFile(DataFile file, FileStream stream, FileStatus status) : IDisposable
{
    public DataFile File => file;

    public FileStream Stream => stream;

    public FileStatus Status => status;

    public long Length => status.Size;

    public DateTime LastWriteUtc => status.LastWriteUtc;

    public void Dispose() => stream.Dispose();
}

/// <summary>Not a file PowerView will read: not a regular file, several names, or not where its path says.</summary>
internal sealed class DataFileRefusedException(string message) : Exception(message);

/// <summary>Another run holds the file (or, when <see cref="ByReaders"/>, only readers such as a readiness probe).</summary>
internal sealed class FileLockedException(string relativePath, bool byReaders)
    : IOException(byReaders ? $"'{relativePath}' is being read" : $"'{relativePath}' is held by another run")
{
    public bool ByReaders => byReaders;
}

/// <summary>A file could not be moved to parsed/ or error/; it is where it was.</summary>
internal sealed class FileMoveException(string message) : Exception(message);
