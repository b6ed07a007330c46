using ClusterCtl.Schedule;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Schedule;

public class ScheduledSnapshotNameTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 21, 12, 0, 5, TimeSpan.Zero);

    [Test]
    public void A_scheduled_name_carries_the_cluster_a_scheduled_marker_and_the_UTC_time_without_colons()
    {
        Assert.That(ScheduledSnapshotName.For("prod", Noon), Is.EqualTo("prod_etcd_snapshot_scheduled_2026-11-21T12-00-05Z"));
        Assert.That(ScheduledSnapshotName.For(null, Noon), Does.StartWith("rke_etcd_snapshot_scheduled_"));
    }

    [Test]
    public void The_time_is_taken_in_UTC_whatever_the_offset_given()
    {
        var cet = new DateTimeOffset(2026, 11, 21, 13, 0, 5, TimeSpan.FromHours(1));
        Assert.That(ScheduledSnapshotName.For("prod", cet), Is.EqualTo(ScheduledSnapshotName.For("prod", Noon)));
    }

    [Test]
    public void Scheduled_names_sort_by_time_as_strings()
    {
        var times = new[] { Noon.AddDays(40), Noon, Noon.AddSeconds(9), Noon.AddHours(-3), Noon.AddYears(1) };
        var names = times.Select(t => ScheduledSnapshotName.For("prod", t)).ToList();

        Assert.That(names.Order(StringComparer.Ordinal), Is.EqualTo(times.Order().Select(t => ScheduledSnapshotName.For("prod", t))));
    }

    [Test]
    public void A_scheduled_name_gives_back_its_time()
    {
        Assert.That(ScheduledSnapshotName.TakenAt(ScheduledSnapshotName.For("prod", Noon), "prod"), Is.EqualTo(Noon));
    }

    [TestCase("prod_etcd_snapshot_2026-11-21T12-00-05Z", Description = "a one-off default name")]
    [TestCase("before-upgrade", Description = "a one-off chosen name")]
    [TestCase("other_etcd_snapshot_scheduled_2026-11-21T12-00-05Z", Description = "another cluster's schedule")]
    [TestCase("prod_etcd_snapshot_scheduled_2026-11-21T12-00-05Z-keep", Description = "a copy renamed by hand")]
    [TestCase("prod_etcd_snapshot_scheduled_2026-13-21T12-00-05Z", Description = "not a real date")]
    [TestCase("prod_etcd_snapshot_scheduled_", Description = "no time")]
    public void Only_names_this_clusters_scheduler_makes_count_as_scheduled(string name)
    {
        Assert.That(ScheduledSnapshotName.IsScheduled(name, "prod"), Is.False);
    }

    [Test]
    public void A_one_off_default_name_and_a_scheduled_name_of_the_same_second_differ()
    {
        Assert.That(ScheduledSnapshotName.For("prod", Noon), Is.Not.EqualTo(SnapshotName.Default("prod", Noon)));
        Assert.That(ScheduledSnapshotName.IsScheduled(SnapshotName.Default("prod", Noon), "prod"), Is.False);
    }
}
