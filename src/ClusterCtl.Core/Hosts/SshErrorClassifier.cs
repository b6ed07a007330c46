namespace ClusterCtl.Hosts;

/// <summary>
/// Reads what OpenSSH printed on stderr (LogLevel=INFO, LC_ALL=C) when a connection failed and
/// says why. The patterns are OpenSSH's own texts, collected from real runs against sshd; the
/// unit tests hold the full outputs they were taken from.
/// </summary>
internal static class SshErrorClassifier
{
    // Printed by the outer ssh when a ProxyCommand (our bastion hop) died before the handshake:
    // the lines before it are the bastion hop's.
    private const string ProxyDied = "Connection closed by UNKNOWN port 65535";

    // Printed by the bastion hop's ssh (-W) when the bastion could not open the TCP connection to the node.
    private const string BastionCouldNotReachTarget = "stdio forwarding failed";

    public static SshFailureDiagnosis Classify(string stderr, int? exitCode)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var lines = stderr
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0)
            .ToList();

        if (lines.Any(l => l.Contains(BastionCouldNotReachTarget, StringComparison.Ordinal)))
        {
            // The bastion is fine; it could not reach the node (the reason follows "open failed: connect failed:").
            var openFailed = lines.FirstOrDefault(l => l.Contains("open failed", StringComparison.Ordinal));
            if (openFailed is not null && openFailed.Contains("administratively prohibited", StringComparison.Ordinal))
            {
                return new(HostConnectionFailure.ForwardingProhibited, SshHop.Bastion, openFailed);
            }

            return new(NetworkFailure(openFailed ?? string.Empty) ?? HostConnectionFailure.Other, SshHop.Target, openFailed ?? Last(lines));
        }

        var meaningful = lines.Where(l => !IsNoise(l)).ToList();
        // The outer ssh says ProxyDied whenever the proxied stream closes during the handshake, also
        // when the node (behind the bastion) hung up. Only if the bastion hop said something of its
        // own did the bastion leg fail.
        var hop = lines.Any(l => l.Contains(ProxyDied, StringComparison.Ordinal)) && meaningful.Count > 0 ? SshHop.Bastion : SshHop.Target;
        var (failure, evidence) = ClassifyLines(meaningful);
        if (failure == HostConnectionFailure.Other && Find(lines, IsHandshakeHangUp) is { } hangUp)
        {
            // Nothing but "closed/reset during the handshake": sshd's MaxStartups or a TCP wrapper.
            return new(HostConnectionFailure.HandshakeRejected, hop, Find(meaningful, IsHandshakeHangUp) ?? hangUp);
        }

        if (failure == HostConnectionFailure.Other && evidence is null)
        {
            evidence = exitCode is { } code ? $"ssh exited with code {code} without an error message" : null;
        }

        return new(failure, hop, evidence);
    }

    private static (HostConnectionFailure Failure, string? Evidence) ClassifyLines(IReadOnlyList<string> lines)
    {
        if (Find(lines, "REMOTE HOST IDENTIFICATION HAS CHANGED") is { } changedBanner)
        {
            return (HostConnectionFailure.HostKeyChanged, Find(lines, l => l.StartsWith("Host key for ", StringComparison.Ordinal) && l.Contains(" has changed", StringComparison.Ordinal)) ?? changedBanner);
        }

        if (Find(lines, "forwarding disabled due to host key check failure") is { } forwardingDisabled)
        {
            return (HostConnectionFailure.HostKeyChanged, forwardingDisabled);
        }

        if (Find(lines, l => l.StartsWith("No ", StringComparison.Ordinal) && l.Contains(" host key is known for ", StringComparison.Ordinal)) is { } unknownKey)
        {
            return (HostConnectionFailure.HostKeyUnknown, unknownKey);
        }

        if (Find(lines, "Host key verification failed") is { } verificationFailed)
        {
            return (HostConnectionFailure.HostKeyUnknown, verificationFailed);
        }

        // Before authentication: an unreadable key is why authentication then fails.
        if (Find(lines, l => l.StartsWith("Load key \"", StringComparison.Ordinal)
                || (l.Contains("Identity file ", StringComparison.Ordinal) && l.Contains(" not accessible", StringComparison.Ordinal))) is { } badKey)
        {
            return (HostConnectionFailure.KeyFileUnreadable, badKey);
        }

        if (Find(lines, l => l.Contains("Permission denied (", StringComparison.Ordinal)
                || l.Contains("Too many authentication failures", StringComparison.Ordinal)
                || l.Contains("No more authentication methods", StringComparison.Ordinal)) is { } denied)
        {
            return (HostConnectionFailure.AuthenticationFailed, denied);
        }

        if (Find(lines, l => l.StartsWith("channel ", StringComparison.Ordinal) && l.Contains(": open failed: ", StringComparison.Ordinal)) is { } openFailed)
        {
            return (ForwardFailure(openFailed), openFailed);
        }

        foreach (var line in lines)
        {
            if (NetworkFailure(line) is { } network)
            {
                return (network, line);
            }
        }

        return (HostConnectionFailure.Other, Last(lines));
    }

    /// <summary>A refused -L connection: sshd 9.x says only "connect failed: open failed"; newer or other servers may say more.</summary>
    private static HostConnectionFailure ForwardFailure(string line)
    {
        if (line.Contains("administratively prohibited", StringComparison.Ordinal))
        {
            return HostConnectionFailure.ForwardingProhibited;
        }

        if (line.Contains("No such file", StringComparison.Ordinal))
        {
            return HostConnectionFailure.DockerSocketMissing;
        }

        if (line.Contains("Permission denied", StringComparison.Ordinal))
        {
            return HostConnectionFailure.DockerPermissionDenied;
        }

        if (line.Contains("Connection refused", StringComparison.Ordinal))
        {
            return HostConnectionFailure.DockerDaemonNotRunning;
        }

        return HostConnectionFailure.DockerSocketUnavailable;
    }

    private static HostConnectionFailure? NetworkFailure(string line)
    {
        if (line.Contains("Could not resolve hostname", StringComparison.Ordinal)
            || line.Contains("Name or service not known", StringComparison.Ordinal)
            || line.Contains("Temporary failure in name resolution", StringComparison.Ordinal)
            || line.Contains("nodename nor servname", StringComparison.Ordinal))
        {
            return HostConnectionFailure.NameResolution;
        }

        if (line.Contains("Connection refused", StringComparison.Ordinal))
        {
            return HostConnectionFailure.ConnectionRefused;
        }

        if (line.Contains("timed out", StringComparison.OrdinalIgnoreCase)
            || line.StartsWith("Timeout, server ", StringComparison.Ordinal))
        {
            return HostConnectionFailure.Timeout;
        }

        if (line.Contains("No route to host", StringComparison.Ordinal)
            || line.Contains("Network is unreachable", StringComparison.Ordinal)
            || line.Contains("Host is unreachable", StringComparison.Ordinal)
            // A local firewall or a "prohibit" route answers EACCES: as good as no route.
            || (line.StartsWith("ssh: connect to host ", StringComparison.Ordinal) && line.EndsWith("Permission denied", StringComparison.Ordinal)))
        {
            return HostConnectionFailure.Unreachable;
        }

        return null;
    }

    /// <summary>Lines that follow another failure and would hide it (the outer ssh's echo of a failed bastion hop), or are not failures.</summary>
    private static bool IsNoise(string line) =>
        line.Contains(ProxyDied, StringComparison.Ordinal)
        || line == "kex_exchange_identification: Connection closed by remote host"
        || line.StartsWith("Warning: Permanently added", StringComparison.Ordinal);

    /// <summary>"kex_exchange_identification: read: Connection reset by peer", "Connection closed by 10.0.0.1 port 22".</summary>
    private static bool IsHandshakeHangUp(string line) =>
        line.StartsWith("kex_exchange_identification: ", StringComparison.Ordinal)
        || ((line.StartsWith("Connection closed by ", StringComparison.Ordinal) || line.StartsWith("Connection reset by ", StringComparison.Ordinal))
            && line.Contains(" port ", StringComparison.Ordinal));

    private static string? Find(IReadOnlyList<string> lines, string fragment) =>
        Find(lines, l => l.Contains(fragment, StringComparison.Ordinal));

    private static string? Find(IReadOnlyList<string> lines, Func<string, bool> predicate) => lines.FirstOrDefault(predicate);

    private static string? Last(IReadOnlyList<string> lines) => lines.Count > 0 ? lines[^1] : null;
}
