using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PowerView.Api.Ingestion.Files;

/// <summary>
/// The few Linux calls the BCL does not offer: open without following a link and without blocking, the no-replace
/// rename, the *at calls relative to a folder already opened, statx (type, link count, inode) and flock on a handle
/// .NET did not open itself. DllImport of plain glibc functions, as <c>BackgroundPriority</c> does: no unsafe code in
/// the project. statx rather than fstat because its struct is the same on every Linux architecture (fstat's
/// <c>struct stat</c> differs between x86-64 and arm64).
/// </summary>
internal static class Posix
{
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int EWOULDBLOCK = 11;
    public const int ELOOP = 40;

    private const int O_RDONLY = 0;
    private const int O_NONBLOCK = 0x800;
    private const int O_CLOEXEC = 0x80000;

    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const int AT_EMPTY_PATH = 0x1000;
    private const uint STATX_BASIC_STATS = 0x7ff;
    private const uint RENAME_NOREPLACE = 1;

    private const int LOCK_SH = 1;
    private const int LOCK_EX = 2;
    private const int LOCK_NB = 4;

    private const uint S_IFMT = 0xf000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFLNK = 0xa000;
    public const uint S_IFIFO = 0x1000;
    public const uint S_IFSOCK = 0xc000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFBLK = 0x6000;

    /// <summary>O_NOFOLLOW is one of the two open flags whose value depends on the architecture (arm and arm64 differ from x86).</summary>
    private static readonly int O_NOFOLLOW = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x20000,
        Architecture.Arm64 or Architecture.Arm => 0x8000,
        var other => throw new PlatformNotSupportedException($"the open flags of {other} are not known"),
    };

    /// <summary>Opens a file or folder for reading without blocking (a FIFO would wait for a writer); unless
    /// <paramref name="follow"/>, a symbolic link as the last component fails (ELOOP).</summary>
    /// <param name="directory">A folder handle the name is relative to, or null for an absolute path.</param>
    /// <returns>The handle, or null with the errno.</returns>
    public static SafeFileHandle? Open(SafeFileHandle? directory, string path, bool follow, out int errno)
    {
        const int AT_FDCWD = -100;
        var flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
        while (true)
        {
            var fd = openat(directory is null ? AT_FDCWD : Fd(directory), Utf8(path), flags, 0);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (fd >= 0)
            {
                return new SafeFileHandle(fd, ownsHandle: true);
            }

            if (errno != EINTR)
            {
                return null;
            }
        }
    }

    /// <summary>What statx says about an open handle.</summary>
    public static FileStatus Stat(SafeFileHandle handle)
    {
        var buffer = default(Statx);
        if (statx(Fd(handle), Utf8(""), AT_EMPTY_PATH, STATX_BASIC_STATS, ref buffer) != 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), "statx");
        }

        return FileStatus.From(buffer);
    }

    /// <summary>What statx says about a name in a folder (or an absolute path), the name itself if it is a link; null with the errno.</summary>
    public static FileStatus? StatNoFollow(SafeFileHandle? directory, string path, out int errno)
    {
        const int AT_FDCWD = -100;
        var buffer = default(Statx);
        if (statx(directory is null ? AT_FDCWD : Fd(directory), Utf8(path), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, ref buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        return FileStatus.From(buffer);
    }

    /// <summary>flock without waiting; false when another open file description holds a conflicting lock.</summary>
    /// <remarks>.NET's FileShare.None and FileShare.Read are flock(LOCK_EX) and flock(LOCK_SH) on Linux: the same locks.</remarks>
    public static bool TryLock(SafeFileHandle handle, bool exclusive)
    {
        while (flock(Fd(handle), (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EWOULDBLOCK)
            {
                return false;
            }

            if (errno != EINTR)
            {
                throw Error(errno, "flock");
            }
        }

        return true;
    }

    /// <returns>0, or the errno (EEXIST when the name is taken).</returns>
    public static int MakeDirectory(SafeFileHandle directory, string name) =>
        mkdirat(Fd(directory), Utf8(name), 0x1ff) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Renames <paramref name="name"/> of one folder to <paramref name="newName"/> of another, never replacing what is there.</summary>
    /// <returns>0, or the errno (EEXIST when the new name is taken).</returns>
    public static int RenameNoReplace(SafeFileHandle from, string name, SafeFileHandle to, string newName) =>
        renameat2(Fd(from), Utf8(name), Fd(to), Utf8(newName), RENAME_NOREPLACE) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Where the kernel says an open handle is: <c>/proc/self/fd/&lt;n&gt;</c>, not the path it was opened by.</summary>
    public static string? RealPath(SafeFileHandle handle) =>
        new FileInfo($"/proc/self/fd/{Fd(handle)}").LinkTarget;

    public static string Describe(int errno) => new Win32Exception(errno).Message;

    public static IOException Error(int errno, string what) => new($"{what}: {Describe(errno)}", errno);

    public static string TypeName(uint mode) => (mode & S_IFMT) switch
    {
        S_IFREG => "a regular file",
        S_IFDIR => "a folder",
        S_IFLNK => "a symbolic link",
        S_IFIFO => "a FIFO (named pipe)",
        S_IFSOCK => "a socket",
        S_IFCHR => "a character device",
        S_IFBLK => "a block device",
        _ => "a special file",
    };

    public static uint Type(uint mode) => mode & S_IFMT;

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    /// <summary>A path as the kernel takes it: UTF-8, NUL-terminated (a byte array needs no marshalling).</summary>
    private static byte[] Utf8(string path)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int openat(int dirfd, byte[] path, int flags, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, byte[] path, int flags, uint mask, ref Statx buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(int fd, int operation);

    [DllImport("libc", SetLastError = true)]
    private static extern int mkdirat(int dirfd, byte[] path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int renameat2(
        int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, uint flags);

    /// <summary>Linux's <c>struct statx</c> (256 bytes, the same layout on every architecture); only the fields read here.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct Statx
    {
        [FieldOffset(16)] public uint Nlink;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(112)] public long MtimeSeconds;
        [FieldOffset(120)] public uint MtimeNanoseconds;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }
}

/// <summary>What the kernel says about a file: enough to tell its type, its names, and whether it is still the same file.</summary>
internal readonly record struct FileStatus(uint Mode, uint Links, FileIdentity Identity)
{
    public uint Type => Posix.Type(Mode);

    public long Size => Identity.Size;

    public DateTime LastWriteUtc => DateTime.UnixEpoch.AddTicks(Identity.ModifiedNs / 100);

    internal static FileStatus From(Posix.Statx s) => new(s.Mode, s.Nlink, new FileIdentity(
        ((ulong)s.DevMajor << 32) | s.DevMinor, s.Ino, (long)s.Size, (s.MtimeSeconds * 1_000_000_000L) + s.MtimeNanoseconds));
}

/// <summary>
/// A file's identity and version: the same device and inode is the same file (a rename keeps them, an atomic re-upload
/// does not); the same size and modification time (nanoseconds) is the same content as far as the kernel can tell.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, long Size, long ModifiedNs)
{
    public bool SameFile(FileIdentity other) => Device == other.Device && Inode == other.Inode;
}
