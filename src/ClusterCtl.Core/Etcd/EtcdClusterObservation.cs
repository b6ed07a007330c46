using System.Globalization;

namespace ClusterCtl.Etcd;

/// <summary>One look at every etcd member at once: each endpoint's status and health, and the member list.</summary>
internal sealed record EtcdClusterObservation(IReadOnlyList<EtcdMemberObservation> Members, IReadOnlyList<EtcdMember>? MemberList, int ExpectedMembers)
{
    public int Leaders => Members.Count(m => m.Status?.IsLeader ?? false);

    public bool AllHealthy => Members.Count == ExpectedMembers && Members.All(m => m.Healthy && m.Status is not null);

    /// <summary>A member that never started has no name and no client URLs in the member list.</summary>
    public bool AllStarted => MemberList is { } list && list.Count == ExpectedMembers && list.All(m => m.Name.Length > 0 && m.ClientUrls.Count > 0);

    /// <summary>The lowest revision any member reports; null when none answered.</summary>
    public long? MinimumRevision => Members.Where(m => m.Status is not null).Select(m => (long?)m.Status!.Revision).Min();

    public bool IsHealthy(long minimumRevision) =>
        AllHealthy && AllStarted && Leaders == 1 && MinimumRevision >= minimumRevision;

    /// <summary>Why the cluster is not (yet) healthy, in one line; null when it is.</summary>
    public string? Problem(long minimumRevision)
    {
        if (Members.FirstOrDefault(m => !m.Healthy || m.Status is null) is { } sick)
        {
            return $"{sick.Host}: {sick.Problem ?? "not healthy"}";
        }

        if (!AllStarted)
        {
            var started = MemberList?.Count(m => m.Name.Length > 0 && m.ClientUrls.Count > 0) ?? 0;
            return string.Create(CultureInfo.InvariantCulture, $"{started} of {ExpectedMembers} members started");
        }

        if (Leaders != 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Leaders} leaders instead of one");
        }

        return MinimumRevision < minimumRevision
            ? string.Create(CultureInfo.InvariantCulture, $"revision {MinimumRevision} is below the snapshot's {minimumRevision}")
            : null;
    }
}
