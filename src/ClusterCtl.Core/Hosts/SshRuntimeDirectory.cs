using System.Security.Cryptography;
using System.Text;

namespace ClusterCtl.Hosts;

/// <summary>
/// A private (0700) directory for one run's ssh control sockets, forwarded Docker sockets and
/// inline key files; removed with everything in it on dispose. Lives under $XDG_RUNTIME_DIR
/// (a per-user tmpfs) when there is one, else /tmp, because unix socket paths are limited to
/// 107 bytes and $TMPDIR can be long. Its <see cref="OwnerFileName"/> file names the process that
/// made it, so that a run after a kill -9 can remove it (<see cref="RemoveStale"/>).
/// </summary>
internal sealed class SshRuntimeDirectory : IDisposable, IAsyncDisposable
{
    /// <summary>sun_path is 108 bytes including the terminating NUL.</summary>
    public const int MaxSocketPathBytes = 107;

    /// <summary>The <see cref="RunOwner"/> of the directory, one "label=value" a line.</summary>
    public const string OwnerFileName = "owner";

    private const string NamePrefix = "clusterctl-";

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
            var path = System.IO.Path.Combine(parent, NamePrefix + RandomSuffix());
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
                // 0600 like every file in here: one rule for the directory, whatever a file holds.
                using var owner = new FileStream(
                    System.IO.Path.Combine(path, OwnerFileName),
                    new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
                using var writer = new StreamWriter(owner);
                writer.Write(string.Concat(RunOwner.Current.ToLabels().Select(l => $"{l.Key}={l.Value}\n")));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ClusterCtlException($"cannot create a private runtime directory in {parent}: {e.Message}; set XDG_RUNTIME_DIR to a writable directory", ExitCodes.Failed, e);
            }

            return new SshRuntimeDirectory(path);
        }
    }

    /// <summary>
    /// Removes the runtime directories under <paramref name="parent"/> (default location when null) whose owner is
    /// provably gone (<see cref="RunOwner.IsProvablyGone()"/>): what a killed clusterctl left, inline key copies included.
    /// A directory without an owner file, or one we cannot read, is left alone. Returns the paths removed.
    /// </summary>
    public static IReadOnlyList<string> RemoveStale(string? parent = null)
    {
        parent ??= DefaultParent();
        var removed = new List<string>();
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(parent, NamePrefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }

        foreach (var path in candidates)
        {
            try
            {
                // A symlink could point anywhere: only real directories are ours.
                if (new DirectoryInfo(path).LinkTarget is not null || OwnerOf(path) is not { } owner || !owner.IsProvablyGone())
                {
                    continue;
                }

                Directory.Delete(path, recursive: true);
                removed.Add(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's, or another run removed it first.
            }
        }

        return removed;
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

    private static RunOwner? OwnerOf(string directory)
    {
        var file = System.IO.Path.Combine(directory, OwnerFileName);
        if (!File.Exists(file))
        {
            return null;
        }

        var labels = File.ReadLines(file)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        return RunOwner.FromLabels(labels);
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
