using System.Globalization;

namespace ClusterCtl.Tests;

/// <summary>A pid that no process has, for a run owner that is gone, without starting and reaping a process for it.</summary>
internal static class GonePid
{
    // The kernel allocates pids below pid_max only (proc(5): "one greater than the maximum PID"), so pid_max is never live.
    public static int Value { get; } = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), CultureInfo.InvariantCulture);
}
