using System.Runtime.Versioning;
using ClusterCtl.Hosts;

namespace ClusterCtl.Tests.Hosts;

[UnsupportedOSPlatform("windows")]
public class SshRuntimeDirectoryTests
{
    private string _parent = null!;

    [SetUp]
    public void CreateParent() => _parent = Directory.CreateTempSubdirectory("cctl-rt-").FullName;

    [TearDown]
    public void RemoveParent() => Directory.Delete(_parent, recursive: true);

    [Test]
    public void The_directory_is_private_to_the_user()
    {
        using var directory = SshRuntimeDirectory.Create(_parent);

        Assert.That(File.GetUnixFileMode(directory.Path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
    }

    [Test]
    public void Each_run_gets_its_own_directory()
    {
        using var first = SshRuntimeDirectory.Create(_parent);
        using var second = SshRuntimeDirectory.Create(_parent);

        Assert.That(first.Path, Is.Not.EqualTo(second.Path));
    }

    [Test]
    public void Disposing_removes_the_directory_and_everything_in_it()
    {
        var directory = SshRuntimeDirectory.Create(_parent);
        File.WriteAllText(directory.FilePath("leftover"), "x");

        directory.Dispose();
        directory.Dispose();

        Assert.That(Directory.Exists(directory.Path), Is.False);
    }

    [Test]
    public void Slots_are_numbered_from_zero()
    {
        using var directory = SshRuntimeDirectory.Create(_parent);

        Assert.That(directory.AllocateSlot(), Is.Zero);
        Assert.That(directory.AllocateSlot(), Is.EqualTo(1));
    }

    [Test]
    public void A_socket_path_over_the_unix_limit_is_refused_with_a_hint()
    {
        var deep = Path.Combine(_parent, new string('x', 90));
        Directory.CreateDirectory(deep);
        using var directory = SshRuntimeDirectory.Create(deep);

        Assert.That(() => directory.SocketPath("c0", reservedBytes: 17),
            Throws.InstanceOf<ClusterCtlException>().With.Message.Contains("XDG_RUNTIME_DIR").And.Message.Contains("107"));
    }

    [Test]
    public void A_short_socket_path_is_accepted()
    {
        using var directory = SshRuntimeDirectory.Create(_parent);

        Assert.That(directory.SocketPath("d0.sock"), Is.EqualTo(Path.Combine(directory.Path, "d0.sock")));
    }

    [Test]
    public void The_directory_names_the_process_that_owns_it()
    {
        using var directory = SshRuntimeDirectory.Create(_parent);

        var owner = File.ReadAllLines(Path.Combine(directory.Path, SshRuntimeDirectory.OwnerFileName));
        Assert.That(owner, Does.Contain($"{RunOwner.PidLabel}={Environment.ProcessId}"));
        Assert.That(owner, Does.Contain($"{RunOwner.BootIdLabel}={RunOwner.Current.BootId}"));
    }

    [Test]
    public void A_directory_left_by_a_process_that_is_gone_is_removed_with_its_key_copies()
    {
        var stale = PlantDirectory("clusterctl-killedrun1", RunOwner.Current with { Pid = GonePid.Value });
        File.WriteAllText(Path.Combine(stale, "ssh_key-0"), "PRIVATE KEY");
        using var live = SshRuntimeDirectory.Create(_parent);

        var removed = SshRuntimeDirectory.RemoveStale(_parent);

        Assert.That(removed, Is.EqualTo(new[] { stale }));
        Assert.That(Directory.Exists(stale), Is.False);
        Assert.That(Directory.Exists(live.Path), Is.True, "a live run's directory stays");
    }

    [Test]
    public void A_directory_of_another_boot_or_without_owner_is_left_alone()
    {
        var otherBoot = PlantDirectory("clusterctl-otherboot1", RunOwner.Current with { Pid = GonePid.Value, BootId = "another-boot" });
        var unknown = Path.Combine(_parent, "clusterctl-noowner01");
        Directory.CreateDirectory(unknown);

        var removed = SshRuntimeDirectory.RemoveStale(_parent);

        Assert.That(removed, Is.Empty);
        Assert.That(Directory.Exists(otherBoot) && Directory.Exists(unknown), Is.True);
    }

    private string PlantDirectory(string name, RunOwner owner)
    {
        var path = Path.Combine(_parent, name);
        Directory.CreateDirectory(path);
        File.WriteAllLines(Path.Combine(path, SshRuntimeDirectory.OwnerFileName), owner.ToLabels().Select(l => $"{l.Key}={l.Value}"));
        return path;
    }
}
