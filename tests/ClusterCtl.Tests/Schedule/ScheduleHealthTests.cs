using ClusterCtl.Schedule;

namespace ClusterCtl.Tests.Schedule;

public class ScheduleHealthTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Test]
    public void Before_the_first_success_it_is_healthy_for_twice_the_interval_after_start()
    {
        Assert.That(ScheduleHealth.IsHealthy(Start.AddMinutes(119), Start, null, Hour), Is.True);
        Assert.That(ScheduleHealth.IsHealthy(Start.AddMinutes(121), Start, null, Hour), Is.False);
    }

    [Test]
    public void It_is_healthy_while_the_last_success_is_within_twice_the_interval()
    {
        var success = Start.AddHours(5);
        Assert.That(ScheduleHealth.IsHealthy(success.AddHours(2), Start, success, Hour), Is.True);
        Assert.That(ScheduleHealth.IsHealthy(success.AddHours(2).AddSeconds(1), Start, success, Hour), Is.False);
    }

    [Test]
    public void One_missed_tick_is_tolerated()
    {
        var success = Start.AddHours(5);
        Assert.That(ScheduleHealth.IsHealthy(success.AddMinutes(90), Start, success, Hour), Is.True);
    }
}
