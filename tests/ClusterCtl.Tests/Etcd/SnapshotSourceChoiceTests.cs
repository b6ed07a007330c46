using ClusterCtl.Etcd;

namespace ClusterCtl.Tests.Etcd;

public class SnapshotSourceChoiceTests
{
    private const ulong Leader = 1;

    [Test]
    public void Current_followers_come_before_the_leader()
    {
        var choice = SnapshotSourceChoice.Choose([("leader", Status(Leader, 100)), ("f2", Status(2, 100)), ("f3", Status(3, 101))]);

        Assert.That(choice.Sources.Select(s => s.Node), Is.EqualTo(new[] { "f2", "f3", "leader" }));
        Assert.That(choice.Passed, Is.Empty);
    }

    [Test]
    public void A_member_cut_off_with_the_same_term_and_leader_is_passed_over_for_its_revision_alone()
    {
        var choice = SnapshotSourceChoice.Choose([("leader", Status(Leader, 100)), ("cut-off", Status(2, 3)), ("f3", Status(3, 100))]);

        Assert.That(choice.Sources.Select(s => s.Node), Is.EqualTo(new[] { "f3", "leader" }));
        Assert.That(choice.Passed.Single().Node, Is.EqualTo("cut-off"));
        Assert.That(choice.Passed.Single().Reason, Does.Contain("revision 3 of 100"));
    }

    [Test]
    public void A_member_that_did_not_answer_is_never_a_source_while_a_leader_is_known()
    {
        var choice = SnapshotSourceChoice.Choose([("leader", Status(Leader, 100)), ("silent", null)]);

        Assert.That(choice.Sources.Select(s => s.Node), Is.EqualTo(new[] { "leader" }));
        Assert.That(choice.Passed.Single().Node, Is.EqualTo("silent"));
    }

    [Test]
    public void Of_two_members_that_think_they_lead_the_newer_term_leads_and_the_old_leader_is_passed_over()
    {
        var choice = SnapshotSourceChoice.Choose([("old", Status(Leader, 90, term: 2)), ("new", Status(2, 100, term: 3, leader: 2)), ("f3", Status(3, 100, term: 3, leader: 2))]);

        Assert.That(choice.Sources.Select(s => s.Node), Is.EqualTo(new[] { "f3", "new" }));
        Assert.That(choice.Passed.Single().Node, Is.EqualTo("old"));
    }

    [Test]
    public void Without_a_leader_in_sight_the_most_advanced_member_comes_first_and_the_silent_last()
    {
        var choice = SnapshotSourceChoice.Choose([("silent", null), ("behind", Status(2, 50, leader: 0)), ("ahead", Status(3, 80, leader: 0))]);

        Assert.That(choice.Sources.Select(s => s.Node), Is.EqualTo(new[] { "ahead", "behind", "silent" }));
    }

    private static EtcdEndpointStatus Status(ulong member, long revision, ulong term = 2, ulong leader = Leader) =>
        new($"https://m{member}:2379", 7, member, leader, revision, term, "3.5.16", 20480);
}
