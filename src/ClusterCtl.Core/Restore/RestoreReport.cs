namespace ClusterCtl.Restore;

/// <summary>
/// What a restore did (phase 9): each phase with its duration, the snapshot, the nodes, what was restarted, the
/// revisions, and, when it failed, the cause and the manual steps. Printed as a table or as JSON.
/// </summary>
internal sealed record RestoreReport
{
    public required RestoreOutcome Outcome { get; init; }

    public required string RunId { get; init; }

    public required RestoreSource Snapshot { get; init; }

    public IReadOnlyList<string> EtcdNodes { get; init; } = [];

    public IReadOnlyList<PhaseReport> Phases { get; init; } = [];

    public IReadOnlyList<RestartedContainer> Restarted { get; init; } = [];

    public RestoreTool Tool { get; init; }

    public bool RevisionBumped { get; init; }

    public long? RevisionBefore { get; init; }

    public long? FinalRevision { get; init; }

    /// <summary>Where each node's replaced member now lives, e.g. /var/lib/etcd/pre-restore-2026-11-21T10-27-42Z.</summary>
    public string? PreRestoreDirectory { get; init; }

    /// <summary>Why the restore did not succeed, in one line.</summary>
    public string? Failure { get; init; }

    public IReadOnlyList<ManualStep> ManualSteps { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The etcd nodes that joined as new members (no certificate or no data before the restore).</summary>
    public IReadOnlyList<string> NewNodes { get; init; } = [];

    /// <summary>kube-apiservers still pointing at etcd members that cluster.yml no longer has; each says how to fix it.</summary>
    public IReadOnlyList<StaleEtcdServers> StaleEtcdServers { get; init; } = [];

    /// <summary>The preflight's plan; set for a dry run, which has nothing else to show.</summary>
    public RestorePlan? Plan { get; init; }

    public double TotalSeconds => Math.Round(Phases.Sum(p => p.Duration.TotalSeconds), 3);

    /// <summary>The process exit code this outcome stands for (see <see cref="ExitCodes"/>).</summary>
    public int ExitCode => Outcome switch
    {
        RestoreOutcome.Restored => ExitCodes.Success,
        RestoreOutcome.DryRun => Plan is { Ready: false } ? ExitCodes.Failed : ExitCodes.Success,
        RestoreOutcome.RolledBack => ExitCodes.Failed,
        _ => ExitCodes.NeedsManualAttention,
    };
}
