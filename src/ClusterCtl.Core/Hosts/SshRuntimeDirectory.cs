using System.Security.Cryptography;
using System.Text;

namespace ClusterCtl.Hosts;

/// <summary>
/// A private (0700) directory for one run's ssh control sockets, forwarded Docker sockets and
/// inline key files; removed with everything in it on dispose. Lives under $XDG_RUNTIME_DIR
/// (a per-user tmpfs) when there is one, else /tmp, because unix socket paths are limited to
/// 107 bytes and $TMPDIR can be long.
/// </summary>
internal sealed class SshRuntimeDirectory : IDisposable, IAsyncDisposable
{
    /// <summary>sun_path is 108 bytes including the terminating NUL.</summary>
    public const int MaxSocketPathBytes = 107;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private int _nextSlot = -1;
    private int _disposed;

    private SshRuntimeDirectory(string path) => Path = path;

    public string Path { get; }

    /// <summary>Creates a fresh directory under <paramref name="parent"/>, or under the default location when null.</summary>
    public static SshRuntimeDirectory Create(string? parent = null)
    {
        if (OperatingSystem.IsWindows())
        {
            // ssh multiplexing and unix socket forwards are not available with Windows' OpenSSH.
            throw new PlatformNotSupportedException("clusterctl's SSH transport needs Linux or macOS");
        }

        parent ??= DefaultParent();
        for (var attempt = 0; ; attempt++)
        {
            // The name is unguessable, so nobody can plant a directory or symlink there in advance.
            var path = System.IO.Path.Combine(parent, "clusterctl-" + RandomSuffix());
            if (Directory.Exists(path) || File.Exists(path))
            {
                if (attempt < 5)
                {
                    continue;
                }

                throw new ClusterCtlException($"cannot create a private runtime directory in {parent}: names keep colliding");
            }

            try
            {
                Directory.CreateDirectory(path, OwnerOnly);
                // The umask cannot widen the mode, but make sure nothing else did either.
                File.SetUnixFileMode(path, OwnerOnly);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ClusterCtlException($"cannot create a private runtime directory in {parent}: {e.Message}; set XDG_RUNTIME_DIR to a writable directory", ExitCodes.Failed, e);
            }

            return new SshRuntimeDirectory(path);
        }
    }

    /// <summary>A new number for one host's files (c0, d0.sock, ...): short names keep socket paths under the limit.</summary>
    public int AllocateSlot() => Interlocked.Increment(ref _nextSlot);

    /// <summary>
    /// The path of a unix socket in this directory, checked against the sun_path limit.
    /// <paramref name="reservedBytes"/> covers suffixes added by ssh (ControlMaster binds "path.XXXXXXXXXXXXXXXX" first).
    /// </summary>
    public string SocketPath(string name, int reservedBytes = 0)
    {
        var path = System.IO.Path.Combine(Path, name);
        var length = Encoding.UTF8.GetByteCount(path) + reservedBytes;
        if (length > MaxSocketPathBytes)
        {
            throw new ClusterCtlException(
                $"unix socket path {path} is too long ({length} bytes with ssh's suffix, the limit is {MaxSocketPathBytes}); set XDG_RUNTIME_DIR to a shorter directory");
        }

        return path;
    }

    /// <summary>The path of a regular file in this directory.</summary>
    public string FilePath(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone: nothing to clean.
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static string DefaultParent()
    {
        var runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return !string.IsNullOrEmpty(runtimeDir) && Directory.Exists(runtimeDir) ? runtimeDir : "/tmp";
    }

    private static string RandomSuffix()
    {
        // 10 base32 characters: 50 bits of randomness, short enough for socket paths.
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        Span<byte> bytes = stackalloc byte[10];
        RandomNumberGenerator.Fill(bytes);
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = alphabet[bytes[i] % alphabet.Length];
        }

        return new string(chars);
    }
}
