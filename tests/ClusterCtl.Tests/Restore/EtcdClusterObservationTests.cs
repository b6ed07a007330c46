using ClusterCtl.Etcd;

namespace ClusterCtl.Tests.Restore;

/// <summary>"Healthy" after a restore: every member started, exactly one leader, every endpoint healthy, revision at least the snapshot's.</summary>
public class EtcdClusterObservationTests
{
    private static EtcdMemberObservation Member(string host, ulong id, ulong leader, long revision, bool healthy = true) =>
        new(host, new EtcdEndpointStatus($"https://{host}:2379", 1, id, leader, revision, 2, "3.5.16", 20480), healthy, healthy ? null : "context deadline exceeded");

    private static EtcdMember Listed(ulong id, string name) =>
        new(id, name, [$"https://10.0.0.{id}:2380"], name.Length == 0 ? [] : [$"https://10.0.0.{id}:2379"], false);

    private static readonly EtcdMember[] AllStarted = [Listed(1, "etcd-a"), Listed(2, "etcd-b"), Listed(3, "etcd-c")];

    [Test]
    public void Three_healthy_members_with_one_leader_at_the_revision_are_healthy()
    {
        var observation = new EtcdClusterObservation([Member("a", 1, 1, 1_000_000_005), Member("b", 2, 1, 1_000_000_005), Member("c", 3, 1, 1_000_000_005)], AllStarted, 3);

        Assert.That(observation.IsHealthy(5), Is.True);
        Assert.That(observation.Problem(5), Is.Null);
        Assert.That(observation.MinimumRevision, Is.EqualTo(1_000_000_005));
    }

    [Test]
    public void An_unhealthy_member_is_named()
    {
        var observation = new EtcdClusterObservation([Member("a", 1, 1, 9), Member("b", 2, 1, 9, healthy: false), Member("c", 3, 1, 9)], AllStarted, 3);

        Assert.That(observation.Problem(1), Is.EqualTo("b: context deadline exceeded"));
    }

    [Test]
    public void A_member_that_never_started_has_no_name_in_the_member_list()
    {
        var observation = new EtcdClusterObservation([Member("a", 1, 1, 9), Member("b", 2, 1, 9), Member("c", 3, 1, 9)], [Listed(1, "etcd-a"), Listed(2, "etcd-b"), Listed(3, "")], 3);

        Assert.That(observation.Problem(1), Is.EqualTo("2 of 3 members started"));
    }

    [Test]
    public void Two_leaders_are_not_healthy()
    {
        var observation = new EtcdClusterObservation([Member("a", 1, 1, 9), Member("b", 2, 2, 9), Member("c", 3, 1, 9)], AllStarted, 3);

        Assert.That(observation.Problem(1), Is.EqualTo("2 leaders instead of one"));
    }

    [Test]
    public void A_revision_below_the_snapshots_is_not_healthy_yet()
    {
        var observation = new EtcdClusterObservation([Member("a", 1, 1, 4), Member("b", 2, 1, 9), Member("c", 3, 1, 9)], AllStarted, 3);

        Assert.That(observation.Problem(5), Is.EqualTo("revision 4 is below the 5 the restored data starts at"));
    }

    [Test]
    public void Members_with_the_ids_the_restore_wrote_are_healthy()
    {
        var observation = new EtcdClusterObservation([Member("a", 1, 1, 9), Member("b", 2, 1, 9), Member("c", 3, 1, 9)], AllStarted, 3);

        Assert.That(observation.Problem(1, memberIds: [1, 2, 3]), Is.Null);
    }

    [Test]
    public void Members_with_other_ids_than_the_restore_wrote_are_old_data_and_never_healthy()
    {
        // A member left on its old data: another id, in the member list and in its own answer.
        var observation = new EtcdClusterObservation([Member("a", 1, 1, 9), Member("b", 7, 1, 9), Member("c", 3, 1, 9)], [Listed(1, "etcd-a"), Listed(7, "etcd-b"), Listed(3, "etcd-c")], 3);

        Assert.That(observation.IsHealthy(1, memberIds: [1, 2, 3]), Is.False);
        Assert.That(observation.Problem(1, memberIds: [1, 2, 3]), Is.EqualTo("member ids 1,3,7 (b answers as 7) are not the 1,2,3 the restore wrote: etcd does not run on the restored data"));
    }

    [Test]
    public void A_revision_below_the_snapshots_plus_the_bump_is_old_data_and_never_healthy()
    {
        var restoredAt = 9 + 1_000_000_000L;
        var old = new EtcdClusterObservation([Member("a", 1, 1, 12), Member("b", 2, 1, 12), Member("c", 3, 1, 12)], AllStarted, 3);
        var restored = new EtcdClusterObservation([Member("a", 1, 1, restoredAt), Member("b", 2, 1, restoredAt), Member("c", 3, 1, restoredAt)], AllStarted, 3);

        Assert.That(old.Problem(restoredAt), Is.EqualTo("revision 12 is below the 1000000009 the restored data starts at"));
        Assert.That(restored.Problem(restoredAt), Is.Null);
    }
}
