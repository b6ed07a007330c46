using System.Globalization;
using Serilog;

namespace ClusterCtl.Restore;

/// <summary>
/// The README's numbers and names of the <see cref="RestorePhase"/>s, for the log's "Phase 4 of 9: distribute" and
/// the messages that name a phase, so that an operator can follow a restore in the README's list.
/// </summary>
internal static class RestorePhases
{
    private static readonly Dictionary<RestorePhase, int> Numbers = NumberInOrder();

    /// <summary>How many numbered phases a restore has; counted from the enum, so that a phase added there counts here.</summary>
    public static int Total { get; } = Numbers.Values.Max();

    /// <summary>The phase's number in the README, 1 to <see cref="Total"/>; null for the rollback.</summary>
    public static int? Number(RestorePhase phase) => Numbers.TryGetValue(phase, out var number) ? number : null;

    /// <summary>The phase's name as the README's list has it.</summary>
    public static string Name(RestorePhase phase) => phase switch
    {
        RestorePhase.Plan => "plan",
        RestorePhase.Locate => "locate",
        RestorePhase.Preflight => "preflight",
        RestorePhase.Distribute => "distribute",
        RestorePhase.Restore => "restore",
        RestorePhase.Stop or RestorePhase.Swap => "point of no return",
        RestorePhase.StartEtcd => "start etcd",
        RestorePhase.RestartComponents => "restart",
        RestorePhase.Report => "report",
        _ => "rollback",
    };

    /// <summary>One phase in a message about it: "4 (distribute)"; phase 6's two parts as "6 (stop)" and "6 (swap)"; "rollback".</summary>
    public static string Describe(RestorePhase phase)
    {
        var part = phase switch
        {
            RestorePhase.Stop => "stop",
            RestorePhase.Swap => "swap",
            _ => Name(phase),
        };
        return Number(phase) is { } number ? string.Create(CultureInfo.InvariantCulture, $"{number} ({part})") : part;
    }

    /// <summary>Whether entering <paramref name="phase"/> starts a numbered phase: the swap continues the phase the stop started.</summary>
    public static bool Starts(RestorePhase phase) => phase != RestorePhase.Swap && Number(phase) is not null;

    /// <summary>Logs "Phase 4 of 9: distribute" as a phase starts, once per numbered phase.</summary>
    public static void LogStart(ILogger log, RestorePhase phase)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (Starts(phase))
        {
            log.Information("Phase {Number} of {Total}: {Phase}", Number(phase), Total, Name(phase));
        }
    }

    // The README numbers the phases in the enum's order, but for two members: the swap is the second part of phase 6,
    // which the stop begins, and the rollback, which runs only in place of what failed, has no number.
    private static Dictionary<RestorePhase, int> NumberInOrder()
    {
        var numbers = new Dictionary<RestorePhase, int>();
        var number = 0;
        foreach (var phase in Enum.GetValues<RestorePhase>().Where(p => p != RestorePhase.Rollback))
        {
            numbers.Add(phase, phase == RestorePhase.Swap ? number : ++number);
        }

        return numbers;
    }
}
