using System.Globalization;

namespace ClusterCtl;

/// <summary>
/// The clusterctl process behind a run, as recorded on what the run leaves on the nodes (the cluster lock, helper
/// containers) and on local disk (the runtime directory), so that a later run can tell whether that process is gone.
/// A process is proven gone only from the same machine: same host name, same boot (the kernel's random boot id) and
/// same pid namespace, and its pid no longer alive (or reused: the process start time differs). Anything else, e.g.
/// another machine, or a record without boot id, may still be running.
/// </summary>
internal sealed record RunOwner(string User, string Machine, string? BootId, string? PidNamespace, int Pid, long? StartTicks)
{
    public const string UserLabel = "io.clusterctl.owner.user";
    public const string MachineLabel = "io.clusterctl.owner.machine";
    public const string BootIdLabel = "io.clusterctl.owner.boot-id";
    public const string PidNamespaceLabel = "io.clusterctl.owner.pid-ns";
    public const string PidLabel = "io.clusterctl.owner.pid";
    public const string StartTicksLabel = "io.clusterctl.owner.pid-start";

    private const string BootIdFile = "/proc/sys/kernel/random/boot_id";

    /// <summary>This process.</summary>
    public static RunOwner Current { get; } = new(
        Environment.UserName,
        Environment.MachineName,
        ReadTrimmed(BootIdFile),
        PidNamespaceOf("self"),
        Environment.ProcessId,
        StartTicksOf(Environment.ProcessId));

    /// <summary>"user@machine, pid N", for messages.</summary>
    public string Display => $"{User}@{Machine}, pid {Pid}";

    public IReadOnlyDictionary<string, string> ToLabels()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [UserLabel] = User,
            [MachineLabel] = Machine,
            [PidLabel] = Pid.ToString(CultureInfo.InvariantCulture),
        };
        AddIfKnown(labels, BootIdLabel, BootId);
        AddIfKnown(labels, PidNamespaceLabel, PidNamespace);
        AddIfKnown(labels, StartTicksLabel, StartTicks?.ToString(CultureInfo.InvariantCulture));
        return labels;
    }

    /// <summary>The owner recorded in <paramref name="labels"/>, or null when there is none (e.g. made by an older clusterctl).</summary>
    public static RunOwner? FromLabels(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null
            || !labels.TryGetValue(MachineLabel, out var machine)
            || !int.TryParse(labels.GetValueOrDefault(PidLabel), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        return new RunOwner(
            labels.GetValueOrDefault(UserLabel, "?"),
            machine,
            labels.GetValueOrDefault(BootIdLabel),
            labels.GetValueOrDefault(PidNamespaceLabel),
            pid,
            long.TryParse(labels.GetValueOrDefault(StartTicksLabel), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null);
    }

    /// <summary>True only when this owner ran on this machine, in this boot and pid namespace, and its process is gone.</summary>
    public bool IsProvablyGone() => IsProvablyGone(Current, StartTicksOf);

    /// <summary><see cref="IsProvablyGone()"/> seen from <paramref name="here"/>, with <paramref name="startTicksOf"/> giving a live pid's start time (null: no such process).</summary>
    public bool IsProvablyGone(RunOwner here, Func<int, long?> startTicksOf)
    {
        ArgumentNullException.ThrowIfNull(here);
        ArgumentNullException.ThrowIfNull(startTicksOf);
        if (Machine != here.Machine || BootId is null || BootId != here.BootId || PidNamespace is null || PidNamespace != here.PidNamespace)
        {
            return false;
        }

        var liveStart = startTicksOf(Pid);
        // A live pid with another start time is a new process that reuses the number.
        return liveStart is null || (StartTicks is { } recorded && recorded != liveStart);
    }

    /// <summary>When process <paramref name="pid"/> started, in clock ticks since boot (field 22 of /proc/pid/stat); null when there is no such process.</summary>
    public static long? StartTicksOf(int pid)
    {
        var stat = ReadTrimmed($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        return stat is null ? null : ParseStartTicks(stat);
    }

    /// <summary>The start time in a /proc/pid/stat line; the command name in parentheses may hold spaces and parentheses.</summary>
    public static long? ParseStartTicks(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        var end = stat.LastIndexOf(')');
        if (end < 0)
        {
            return null;
        }

        // After "pid (comm) " come the fields from 3 (state) on; the start time is field 22.
        var fields = stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
    }

    private static string? PidNamespaceOf(string pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/pid").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc (macOS), or the process is gone.
            return null;
        }
    }

    private static void AddIfKnown(Dictionary<string, string> labels, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            labels[name] = value;
        }
    }
}
