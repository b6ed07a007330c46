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

    public bool IsHealthy(long minimumRevision, IReadOnlyCollection<ulong>? memberIds = null) => Problem(minimumRevision, memberIds) is null;

    /// <summary>
    /// Why the cluster is not (yet) healthy, in one line; null when it is. With <paramref name="memberIds"/>, the
    /// member list and every answering member must have exactly those ids: the ones a restore wrote, so that a member
    /// that came up on other data (another directory, an old member) is never taken for the restored one.
    /// </summary>
    public string? Problem(long minimumRevision, IReadOnlyCollection<ulong>? memberIds = null)
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

        if (memberIds is not null && MemberIdProblem(memberIds) is { } wrongIds)
        {
            return wrongIds;
        }

        return MinimumRevision < minimumRevision
            ? string.Create(CultureInfo.InvariantCulture, $"revision {MinimumRevision} is below the {minimumRevision} the restored data starts at")
            : null;
    }

    private string? MemberIdProblem(IReadOnlyCollection<ulong> expected)
    {
        var listed = MemberList?.Select(m => m.Id).ToHashSet() ?? [];
        var answering = Members.Where(m => m.Status is not null).Select(m => (m.Host, m.Status!.MemberId)).ToList();
        if (listed.SetEquals(expected) && answering.All(a => expected.Contains(a.MemberId)))
        {
            return null;
        }

        var stranger = answering.FirstOrDefault(a => !expected.Contains(a.MemberId));
        return "member ids " + string.Join(",", listed.Order().Select(EtcdEndpointStatus.FormatId)) +
            (stranger.Host is null ? "" : $" ({stranger.Host} answers as {EtcdEndpointStatus.FormatId(stranger.MemberId)})") +
            " are not the " + string.Join(",", expected.Order().Select(EtcdEndpointStatus.FormatId)) + " the restore wrote: etcd does not run on the restored data";
    }
}
