using ClusterCtl.Config;
using ClusterCtl.Restore;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>Ways to break one testbed node at a chosen moment of a restore, from the host side (its directories are bound into the node).</summary>
internal static class RestoreFaults
{
    /// <summary>A BeforePhase hook that runs <paramref name="fault"/> once, when <paramref name="phase"/> begins.</summary>
    public static Func<RestorePhase, CancellationToken, Task> At(RestorePhase phase, Action fault) => (current, _) =>
    {
        if (current == phase)
        {
            fault();
        }

        return Task.CompletedTask;
    };

    /// <summary>Combines hooks, in order.</summary>
    public static Func<RestorePhase, CancellationToken, Task> All(params Func<RestorePhase, CancellationToken, Task>[] hooks) => async (phase, token) =>
    {
        foreach (var hook in hooks)
        {
            await hook(phase, token);
        }
    };

    /// <summary>Removes this run's snapshot copy on the node, so its etcd-restore helper fails.</summary>
    public static void RemoveSnapshot(int node, string runId) =>
        File.Delete(Path.Combine(RestoreTestbed.DataDirectory(node), RestoreLayout.ScratchDirectoryName(runId), RestoreLayout.SnapshotFileName));

    /// <summary>Removes the member this run restored on the node, so its swap fails.</summary>
    public static void RemoveRestoredMember(int node, string runId) =>
        Directory.Delete(Path.Combine(RestoreTestbed.DataDirectory(node), RestoreLayout.ScratchDirectoryName(runId), "data", "member"), recursive: true);

    /// <summary>Overwrites the start of every WAL file of the node's live member: etcd then crashes at start, again and again.</summary>
    public static void CorruptWal(int node)
    {
        foreach (var wal in Directory.GetFiles(Path.Combine(RestoreTestbed.DataDirectory(node), "member", "wal"), "*.wal"))
        {
            using var file = new FileStream(wal, FileMode.Open, FileAccess.Write);
            file.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096));
        }
    }

    /// <summary>Moves the node's pre-restore directories out of the restore's reach, so the rollback cannot find the original member.</summary>
    public static void HidePreRestore(int node)
    {
        foreach (var directory in Directory.GetDirectories(RestoreTestbed.DataDirectory(node), RestoreLayout.PreRestorePrefix + "*"))
        {
            Directory.Move(directory, Path.Combine(RestoreTestbed.DataDirectory(node), "hidden-by-test-" + Path.GetFileName(directory)));
        }
    }

    /// <summary>The testbed's cluster.yml with an extra_arg, so that no existing etcd container matches and every one is recreated.</summary>
    public static ClusterConfig ConfigWithDifferentEtcdArgs()
    {
        var yaml = File.ReadAllText(Testbed.ClusterYml);
        var changed = yaml.Replace("  etcd: {}", "  etcd:\n    extra_args:\n      heartbeat-interval: \"600\"", StringComparison.Ordinal);
        Assert.That(changed, Is.Not.EqualTo(yaml), "the testbed's cluster.yml has 'etcd: {}' under services");
        return ClusterConfigLoader.Parse(changed, Testbed.ClusterYml);
    }
}
