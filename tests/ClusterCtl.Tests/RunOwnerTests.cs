namespace ClusterCtl.Tests;

public class RunOwnerTests
{
    private static readonly RunOwner Here = new("ops", "bastion", "boot-1", "pid:[4026531836]", 100, 5000);

    private static long? NoSuchProcess(int pid) => null;

    private static long? StartedAt5000(int pid) => 5000;

    [Test]
    public void A_process_of_this_machine_boot_and_pid_namespace_that_is_gone_is_provably_gone()
    {
        var killed = Here with { Pid = 4242 };

        Assert.That(killed.IsProvablyGone(Here, NoSuchProcess), Is.True);
    }

    [Test]
    public void A_reused_pid_with_another_start_time_is_a_gone_process()
    {
        var killed = Here with { Pid = 4242, StartTicks = 1234 };

        Assert.That(killed.IsProvablyGone(Here, StartedAt5000), Is.True);
    }

    [Test]
    public void A_live_process_with_the_recorded_start_time_is_not_gone()
    {
        Assert.That((Here with { Pid = 4242 }).IsProvablyGone(Here, StartedAt5000), Is.False);
    }

    [Test]
    public void Another_machine_another_boot_or_another_pid_namespace_can_never_be_proven_gone()
    {
        Assert.That((Here with { Machine = "laptop" }).IsProvablyGone(Here, NoSuchProcess), Is.False);
        Assert.That((Here with { BootId = "boot-2" }).IsProvablyGone(Here, NoSuchProcess), Is.False);
        Assert.That((Here with { PidNamespace = "pid:[4026532000]" }).IsProvablyGone(Here, NoSuchProcess), Is.False);
    }

    [Test]
    public void A_record_without_boot_id_or_pid_namespace_can_never_be_proven_gone()
    {
        Assert.That((Here with { BootId = null }).IsProvablyGone(Here with { BootId = null }, NoSuchProcess), Is.False);
        Assert.That((Here with { PidNamespace = null }).IsProvablyGone(Here with { PidNamespace = null }, NoSuchProcess), Is.False);
    }

    [Test]
    public void The_labels_carry_the_owner_and_read_back_the_same()
    {
        Assert.That(RunOwner.FromLabels(Here.ToLabels()), Is.EqualTo(Here));
        Assert.That(RunOwner.FromLabels(new Dictionary<string, string> { ["io.clusterctl.run-id"] = "x" }), Is.Null, "no owner recorded (an older clusterctl)");
    }

    [Test]
    public void The_current_process_is_recorded_with_its_boot_and_is_not_gone()
    {
        var current = RunOwner.Current;

        Assert.That(current.Pid, Is.EqualTo(Environment.ProcessId));
        Assert.That(current.BootId, Is.EqualTo(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim()));
        Assert.That(current.StartTicks, Is.Not.Null);
        Assert.That(current.IsProvablyGone(), Is.False);
    }

    [Test]
    public void The_start_time_is_read_after_a_command_name_with_spaces_and_parentheses()
    {
        var stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";

        Assert.That(RunOwner.ParseStartTicks(stat), Is.EqualTo(987654));
        Assert.That(RunOwner.ParseStartTicks("garbage"), Is.Null);
    }
}
