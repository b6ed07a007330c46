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
}
