using ClusterCtl.Docker;
using ClusterCtl.Etcd;
using ClusterCtl.Hosts;

namespace ClusterCtl.Restore;

/// <summary>
/// What a restore did to one etcd node so far, written as each step succeeds (or starts), so that a rollback, or an
/// operator reading the manual steps, undoes exactly that and no more.
/// </summary>
internal sealed class EtcdNodeState(NodeSession session, EtcdContainerSpec spec, PreflightResult preflight)
{
    public NodeSession Session { get; } = session;

    public EtcdContainerSpec Spec { get; } = spec;

    public PreflightResult Preflight { get; } = preflight;

    public string Host => Session.Host;

    /// <summary>The etcd container found at the point of no return; null when the node had none.</summary>
    public string? OriginalContainerId { get; private set; }

    public bool OriginalWasRunning { get; private set; }

    /// <summary>The original container was looked at (and is about to be stopped); before that, the rollback leaves etcd alone.</summary>
    public bool OriginalRecorded { get; private set; }

    /// <summary>Remembers the container found before the first stop; later calls keep the first answer.</summary>
    public void RecordOriginal(ContainerDetails? etcd)
    {
        if (!OriginalRecorded)
        {
            OriginalContainerId = etcd?.Id;
            OriginalWasRunning = etcd is { State.Running: true } || etcd?.State.Status == "restarting";
            OriginalRecorded = true;
        }
    }

    /// <summary>A live member directory was there (from preflight); the swap moves it to pre-restore.</summary>
    public bool HadMember => Preflight.HasMember;

    public SwapProgress Swap { get; set; }

    /// <summary>The swap reported moving the live member into pre-restore-&lt;time&gt;.</summary>
    public bool OriginalMoved { get; set; }

    /// <summary>What phase 7 set out to do with the container (set before doing it, so a half-done step is undone too).</summary>
    public EtcdContainerAction? ContainerAction { get; set; }
}
