namespace ClusterCtl.Hosts;

/// <summary>Settings that apply to every SSH connection of a run (as opposed to per-host <see cref="SshEndpoint"/>).</summary>
internal sealed record SshClientOptions
{
    public HostKeyPolicy HostKeyPolicy { get; init; } = HostKeyPolicy.AcceptNew;

    /// <summary>
    /// known_hosts file to check and record host keys in; null means the user's own
    /// (~/.ssh/known_hosts, or whatever ~/.ssh/config says). Ignored when <see cref="HostKeyPolicy"/> is Off.
    /// </summary>
    public string? KnownHostsFile { get; init; }

    /// <summary>ssh's ConnectTimeout: TCP connect and banner exchange, per hop.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Our own limit for a tunnel to become usable: connect, authenticate, forward, and Docker answering.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many hosts are connected to at the same time.</summary>
    public int MaxParallelConnections { get; init; } = 16;

    /// <summary>
    /// How many connections may be opened through one bastion at the same time. sshd's default
    /// MaxStartups (10:30:100) starts dropping unauthenticated connections beyond 10; 16 at once
    /// through one bastion lost 4-5 of them in our tests.
    /// </summary>
    public int MaxParallelPerBastion { get; init; } = 8;

    /// <summary>Extra attempts for a host whose sshd hung up during the handshake (MaxStartups throttling is transient).</summary>
    public int HandshakeRetries { get; init; } = 2;

    /// <summary>The OpenSSH client: a name looked up on PATH, or a path.</summary>
    public string SshExecutable { get; init; } = "ssh";
}
