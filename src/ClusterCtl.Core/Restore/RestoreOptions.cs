using Serilog;

namespace ClusterCtl.Restore;

/// <summary>How a restore runs.</summary>
internal sealed record RestoreOptions
{
    /// <summary>Run the preflight and return the plan; write nothing, stop nothing, pull nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>How long etcd may take to become healthy (after the restore, and after a rollback); null: <c>backup_config.timeout</c>.</summary>
    public TimeSpan? HealthTimeout { get; init; }

    /// <summary>How long one node's <c>snapshot restore</c> may run; a hung helper must not hold the cluster down forever.</summary>
    public TimeSpan RestoreHelperTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the restarted kube components, flannel and calico may take to be running again.</summary>
    public TimeSpan ComponentTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The cluster CA's certificate and key (<c>--ca-cert</c>, <c>--ca-key</c>), for when cluster.rkestate is not beside the config.</summary>
    public string? CaCertificateFile { get; init; }

    /// <inheritdoc cref="CaCertificateFile"/>
    public string? CaKeyFile { get; init; }

    /// <summary>
    /// Where the cluster CA that signs the certificates of new nodes comes from, asked only when a node needs them;
    /// null: nowhere. Cluster/SnapshotRestore sets it from the files above and the control-plane nodes.
    /// </summary>
    public Pki.CertificateAuthoritySource? CertificateAuthority { get; init; }

    /// <summary>Run a restore drill of the snapshot before the point of no return, and restore only if it verifies.</summary>
    public bool VerifyFirst { get; init; }

    /// <summary>Replace a new node's existing etcd certificate and key too (<c>--regenerate-certs</c>); otherwise they are never overwritten.</summary>
    public bool RegenerateCertificates { get; init; }

    /// <summary>
    /// Called as each phase begins but the report, which only assembles what the others recorded, with the token of
    /// that phase (none after the point of no return). For progress display, and for tests that break a node at a
    /// chosen moment; an exception thrown here fails that phase.
    /// </summary>
    public Func<RestorePhase, CancellationToken, Task>? BeforePhase { get; init; }

    /// <summary>
    /// Logs the start of <paramref name="phase"/> ("Phase 4 of 9: distribute") on <paramref name="log"/>, then runs
    /// <see cref="BeforePhase"/>, if there is one. Every phase enters here, so that none goes unlogged.
    /// </summary>
    public Task EnterPhaseAsync(RestorePhase phase, ILogger log, CancellationToken cancellationToken)
    {
        RestorePhases.LogStart(log, phase);
        return BeforePhase?.Invoke(phase, cancellationToken) ?? Task.CompletedTask;
    }
}
