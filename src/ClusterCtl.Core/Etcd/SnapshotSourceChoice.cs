namespace ClusterCtl.Etcd;

/// <summary>
/// Which members a snapshot may be taken from, best first. Only a member as current as the leader qualifies: a member
/// cut off from its peers keeps answering with what it had when it was cut off, the same raft term and leader
/// included, so only its revision gives it away, and a snapshot from it would silently lack every write since.
/// Current followers come first (streaming the whole db out is work the leader can do without), then the leader. A
/// member that is behind, or that the probe could not reach (a partition looks like that from the other side), is
/// never a source while a leader is known.
/// </summary>
internal static class SnapshotSourceChoice
{
    public sealed record Choice<T>(IReadOnlyList<(T Node, EtcdEndpointStatus? Status)> Sources, IReadOnlyList<(T Node, string Reason)> Passed);

    public static Choice<T> Choose<T>(IReadOnlyList<(T Node, EtcdEndpointStatus? Status)> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        // Two members that both think they lead: the one of the newer term does, the other was cut off before it.
        var leader = members.Select(m => m.Status).Where(s => s is { IsLeader: true }).MaxBy(s => s!.RaftTerm);
        if (leader is null)
        {
            // No leader in sight (no quorum, or the probe saw too little): the most advanced member first, the silent ones last.
            return new Choice<T>([.. members.OrderBy(m => m.Status is null ? 1 : 0).ThenByDescending(m => m.Status?.Revision ?? 0)], []);
        }

        var sources = new List<(T, EtcdEndpointStatus?)>();
        var passed = new List<(T, string)>();
        foreach (var (node, status) in members.OrderBy(m => m.Status is { IsLeader: true } ? 1 : 0))
        {
            if (status is null)
            {
                passed.Add((node, "it did not answer the probe, so how current it is cannot be told"));
            }
            else if (status.RaftTerm < leader.RaftTerm || status.Revision < leader.Revision)
            {
                passed.Add((node, $"it is behind the leader (revision {status.Revision} of {leader.Revision}, raft term {status.RaftTerm} of {leader.RaftTerm})"));
            }
            else
            {
                sources.Add((node, status));
            }
        }

        return new Choice<T>(sources, passed);
    }
}
