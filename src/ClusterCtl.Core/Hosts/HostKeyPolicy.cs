namespace ClusterCtl.Hosts;

/// <summary>How ssh treats host keys (OpenSSH's StrictHostKeyChecking). RKE ignores host keys; we do not.</summary>
internal enum HostKeyPolicy
{
    /// <summary>Trust on first use: unknown keys are added to known_hosts, changed keys are refused.</summary>
    AcceptNew,

    /// <summary>Only keys already in known_hosts are accepted.</summary>
    Strict,

    /// <summary>No verification at all, and nothing is written to known_hosts.</summary>
    Off,
}
