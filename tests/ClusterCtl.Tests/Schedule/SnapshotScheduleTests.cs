using ClusterCtl.Schedule;

namespace ClusterCtl.Tests.Schedule;

public class SnapshotScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly SnapshotSchedule TwelveHours = new(TimeSpan.FromHours(12));

    [Test]
    public void With_no_scheduled_snapshot_the_first_tick_is_now()
    {
        Assert.That(TwelveHours.FirstTick(Now, null, 0.7), Is.EqualTo(Now));
        Assert.That(TwelveHours.NeedsCatchUp(Now, null), Is.True);
    }

    [Test]
    public void When_the_newest_scheduled_snapshot_is_older_than_the_interval_the_first_tick_catches_up_now()
    {
        Assert.That(TwelveHours.FirstTick(Now, Now.AddHours(-13), 0.7), Is.EqualTo(Now));
        Assert.That(TwelveHours.FirstTick(Now, Now.AddHours(-12), 0.7), Is.EqualTo(Now), "exactly one interval old is due");
    }

    [Test]
    public void When_the_newest_scheduled_snapshot_is_recent_the_schedule_continues_from_it()
    {
        Assert.That(TwelveHours.FirstTick(Now, Now.AddHours(-2), 0), Is.EqualTo(Now.AddHours(10)));
        Assert.That(TwelveHours.NeedsCatchUp(Now, Now.AddHours(-2)), Is.False);
    }

    [Test]
    public void The_next_tick_is_one_interval_after_the_last_tick_started_so_ticks_do_not_drift_by_their_duration()
    {
        var started = Now.AddMinutes(-3);
        Assert.That(TwelveHours.NextTick(started, Now, 0), Is.EqualTo(started.AddHours(12)));
    }

    [Test]
    public void A_tick_that_overran_its_interval_is_followed_at_once_and_only_once()
    {
        var schedule = new SnapshotSchedule(TimeSpan.FromSeconds(3));
        Assert.That(schedule.NextTick(Now.AddSeconds(-10), Now, 0.5), Is.EqualTo(Now));
    }

    [Test]
    public void Jitter_is_at_most_a_tenth_of_the_interval_and_never_more_than_30_seconds()
    {
        Assert.That(new SnapshotSchedule(TimeSpan.FromSeconds(3)).MaxJitter, Is.EqualTo(TimeSpan.FromMilliseconds(300)));
        Assert.That(TwelveHours.MaxJitter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(TwelveHours.NextTick(Now, Now, 1.0), Is.EqualTo(Now.AddHours(12).AddSeconds(30)));
        Assert.That(TwelveHours.NextTick(Now, Now, 0.5), Is.EqualTo(Now.AddHours(12).AddSeconds(15)));
    }

    [Test]
    public void A_jitter_fraction_outside_0_to_1_is_clamped()
    {
        Assert.That(TwelveHours.NextTick(Now, Now, 7), Is.EqualTo(Now.AddHours(12).AddSeconds(30)));
        Assert.That(TwelveHours.NextTick(Now, Now, -1), Is.EqualTo(Now.AddHours(12)));
    }
}
