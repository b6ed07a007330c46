namespace ClusterCtl.Hosts;

/// <summary>The result of reading ssh's stderr: what failed, on which hop, and the ssh line that says so.</summary>
/// <param name="Evidence">The most telling line of ssh's output, or null when there was none.</param>
internal sealed record SshFailureDiagnosis(HostConnectionFailure Failure, SshHop Hop, string? Evidence);
