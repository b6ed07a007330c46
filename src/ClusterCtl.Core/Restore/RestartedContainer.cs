namespace ClusterCtl.Restore;

/// <summary>A container phase 8 restarted (or, for kube-apiserver, started), and when it was running again.</summary>
internal sealed record RestartedContainer(string Host, string Container, string Action, DateTimeOffset StartedAt);
