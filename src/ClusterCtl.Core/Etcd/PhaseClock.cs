using System.Diagnostics;

namespace ClusterCtl.Etcd;

/// <summary>
/// Splits one stopwatch into named phases: each Mark ends the phase running since the previous one. A name marked
/// again (a retry on the next member) adds to its first entry, so the phases still sum to the whole.
/// </summary>
internal sealed class PhaseClock
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<SnapshotSavePhase> _phases = [];
    private TimeSpan _lastMark;

    public IReadOnlyList<SnapshotSavePhase> Phases => _phases;

    public void Mark(string phase)
    {
        var now = _clock.Elapsed;
        var spent = now - _lastMark;
        _lastMark = now;
        var index = _phases.FindIndex(p => p.Phase == phase);
        if (index >= 0)
        {
            _phases[index] = _phases[index] with { Duration = _phases[index].Duration + spent };
        }
        else
        {
            _phases.Add(new SnapshotSavePhase(phase, spent));
        }
    }
}
