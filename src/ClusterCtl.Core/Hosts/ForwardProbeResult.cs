namespace ClusterCtl.Hosts;

/// <summary>What happened when we knocked on the forwarded Docker socket.</summary>
internal enum ForwardProbeResult
{
    /// <summary>No listener yet (ssh still starting) or no longer (ssh gone).</summary>
    NotListening,

    /// <summary>The remote end answered: the whole path works.</summary>
    Answered,

    /// <summary>ssh accepted locally, then closed: sshd refused the channel ("open failed").</summary>
    ClosedWithoutAnswer,
}
