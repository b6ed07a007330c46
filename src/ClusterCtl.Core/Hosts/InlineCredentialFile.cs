using System.Text;

namespace ClusterCtl.Hosts;

/// <summary>
/// An inline cluster.yml secret (ssh_key, ssh_cert) written to a 0600 file in the private runtime
/// directory, because ssh reads keys only from files and secrets must never appear in an argv.
/// Deleted on dispose (and with the runtime directory in any case).
/// </summary>
internal sealed class InlineCredentialFile : IDisposable
{
    private int _disposed;

    private InlineCredentialFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>Writes an inline private key (cluster.yml ssh_key).</summary>
    public static InlineCredentialFile WritePrivateKey(SshRuntimeDirectory runtimeDirectory, string keyText)
        => Write(runtimeDirectory, "ssh_key-", keyText);

    /// <summary>Writes an inline certificate (cluster.yml ssh_cert).</summary>
    public static InlineCredentialFile WriteCertificate(SshRuntimeDirectory runtimeDirectory, string certificateText)
        => Write(runtimeDirectory, "ssh_cert-", certificateText);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                File.Delete(Path);
            }
            catch (DirectoryNotFoundException)
            {
                // The runtime directory, and the file with it, is gone already.
            }
        }
    }

    private static InlineCredentialFile Write(SshRuntimeDirectory runtimeDirectory, string prefix, string text)
    {
        ArgumentNullException.ThrowIfNull(runtimeDirectory);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("clusterctl's SSH transport needs Linux or macOS");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ClusterCtlException($"inline {prefix.TrimEnd('-')} is empty", ExitCodes.InvalidInput);
        }

        var path = runtimeDirectory.FilePath(prefix + runtimeDirectory.AllocateSlot());
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            // Created 0600, never briefly readable by others; ssh also refuses keys that are.
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(path, options))
        {
            // YAML block scalars often lose the final newline or carry CRLF; OpenSSH then fails with
            // "Load key ...: error in libcrypto" (seen with ssh 9.2).
            var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n";
            var bytes = Encoding.UTF8.GetBytes(normalized);
            stream.Write(bytes);
        }

        return new InlineCredentialFile(path);
    }
}
