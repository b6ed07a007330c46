namespace ClusterCtl.Hosts;

/// <summary>
/// Puts AES-GCM first among the ciphers ssh would offer anyway, when this CPU has AES instructions. OpenSSH's
/// default prefers chacha20-poly1305, which costs about 40 % more CPU per byte than AES-GCM with AES-NI (measured
/// on the testbed: 1.95 s against 1.38 s per GB through ssh and sshd), and a snapshot crosses ssh once in and once
/// per node out. Only the order changes: a cipher list the operator restricted in ssh_config stays restricted, and
/// the server still picks from what both sides allow.
/// </summary>
internal static class SshCipherPreference
{
    private static readonly Lazy<bool> CpuHasAes = new(() =>
        File.Exists("/proc/cpuinfo") && File.ReadLines("/proc/cpuinfo")
            .Any(l => (l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal))
                      && l.Split(' ', '\t').Contains("aes")));

    /// <summary>The "Ciphers=..." option to pass, or null to leave ssh's choice alone.</summary>
    /// <param name="effectiveCiphers">The "ciphers" line of <c>ssh -G</c> for the host: what ssh would offer.</param>
    public static string? Option(string? effectiveCiphers, bool cpuHasAes)
    {
        if (!cpuHasAes || string.IsNullOrWhiteSpace(effectiveCiphers))
        {
            return null;
        }

        var ciphers = effectiveCiphers.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries);
        var reordered = ciphers.Where(IsAesGcm).Concat(ciphers.Where(c => !IsAesGcm(c))).ToArray();
        return reordered.SequenceEqual(ciphers) ? null : "Ciphers=" + string.Join(',', reordered);
    }

    /// <summary>Asks <c>ssh -G</c> (which prints the configuration and exits) what it would offer with these arguments.</summary>
    public static async Task<string?> OptionForAsync(string sshPath, IReadOnlyList<string> masterArguments, CancellationToken cancellationToken)
    {
        if (!CpuHasAes.Value)
        {
            return null;
        }

        try
        {
            var (exitCode, _, stdout) = await SshProcess.RunAsync(sshPath, ["-G", .. masterArguments], TimeSpan.FromSeconds(5), cancellationToken);
            var line = exitCode == 0
                ? stdout.Split('\n').FirstOrDefault(l => l.StartsWith("ciphers ", StringComparison.Ordinal))
                : null;
            return Option(line?["ciphers ".Length..], cpuHasAes: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // ssh -G hung: leave the choice to ssh
        }
    }

    private static bool IsAesGcm(string cipher) => cipher.StartsWith("aes", StringComparison.Ordinal) && cipher.Contains("-gcm", StringComparison.Ordinal);
}
