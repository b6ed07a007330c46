using ClusterCtl.Docker;
using ClusterCtl.Hosts;

namespace ClusterCtl.Restore;

/// <summary>
/// The shell scripts the restore runs in alpine helpers with the data dir at <see cref="RestoreLayout.DataDirectoryInContainer"/>.
/// They only ever rename (mv) and make directories: no data is copied or deleted, and every move stays on the data
/// dir's filesystem. Each refuses to move onto something that exists, because <c>mv a b</c> with an existing
/// directory <c>b</c> would quietly put <c>a</c> inside it.
/// </summary>
internal static class RestoreScripts
{
    /// <summary>What the swap prints when it moved the live member into the pre-restore directory.</summary>
    public const string MovedOriginalMarker = "moved-original";

    /// <summary>What the swap prints when the restored member is in place.</summary>
    public const string MovedRestoredMarker = "moved-restored";

    private const string Data = RestoreLayout.DataDirectoryInContainer;

    /// <summary>The environment variables that carry the certificate paths into <see cref="Facts"/>: CLUSTERCTL_CERT_1, ...</summary>
    public const string CertificateVariable = "CLUSTERCTL_CERT";

    /// <summary>
    /// Phase 3 facts, printed as key=value lines (read by <see cref="PreflightFacts"/>); reads only (test, stat, df).
    /// The certificate paths are named after the node's internal address, so they reach the script as variables.
    /// </summary>
    public static HelperScript Facts(string runId, IEnumerable<string> certificates)
    {
        var scratch = Q(RestoreLayout.ScratchDirectoryName(runId));
        var variables = HelperScript.Numbered(CertificateVariable, certificates);
        var certificateChecks = string.Join('\n', variables.Select(v =>
            $$"""if [ -f "${{v.Name}}" ]; then printf 'cert_present=%s\n' "${{v.Name}}"; else printf 'cert_missing=%s\n' "${{v.Name}}"; fi"""));
        return new HelperScript($$"""
            cd {{Data}} || { echo "cannot enter the etcd data directory" >&2; exit 1; }
            if [ -d member ]; then echo member=yes; else echo member=no; fi
            if [ -e {{scratch}}/data ]; then echo scratch_data=yes; else echo scratch_data=no; fi
            if [ -f {{scratch}}/{{RestoreLayout.SnapshotFileName}} ]; then echo snapshot_size=$(stat -c %s {{scratch}}/{{RestoreLayout.SnapshotFileName}}); fi
            {{certificateChecks}}
            echo df_begin
            df -P -k {{Data}}
            echo df_end
            """, HelperScript.Entries(variables));
    }

    /// <summary>The free space of the data dir's filesystem, as <c>df -P -k</c> prints it; reads only.</summary>
    public static string FreeSpace() => $"df -P -k {Data}";

    /// <summary>
    /// Phase 6's swap: the live member goes to pre-restore-&lt;time&gt;/member (when there is one), the restored member
    /// takes its place, marked with <see cref="RestoreLayout.RestoredMarkerName"/>. Prints <see cref="MovedOriginalMarker"/>
    /// and <see cref="MovedRestoredMarker"/> as it goes.
    /// </summary>
    public static string Swap(string runId, string preRestoreDirectory)
    {
        var restored = Q(RestoreLayout.ScratchDirectoryName(runId) + "/data/member");
        var backup = Q(preRestoreDirectory);
        return $$"""
            set -eu
            cd {{Data}}
            [ -d {{restored}} ] || { echo "the restored member {{restored}} is missing" >&2; exit 1; }
            if [ -e member ]; then
              mkdir {{backup}}
              mv member {{backup}}/member
              echo {{MovedOriginalMarker}}
            fi
            [ ! -e member ] || { echo "member is still there after moving it" >&2; exit 1; }
            : > {{restored}}/{{Q(RestoreLayout.RestoredMarkerName(runId))}}
            mv {{restored}} member
            echo {{MovedRestoredMarker}}
            """;
    }

    /// <summary>
    /// The rollback of one node's data, safe to run whatever part of the swap happened: a restored member goes to
    /// failed-restore-&lt;run&gt;/member, the original comes back from pre-restore-&lt;time&gt;/member, and the then empty
    /// pre-restore directory is removed (rmdir only removes empty directories), so that cleanup's "keep the newest N"
    /// does not count it. With <paramref name="originalMustBeBacked"/> (the swap is known to have moved the original)
    /// a missing backup is an error rather than "nothing was moved".
    /// </summary>
    public static string RollBack(string runId, string preRestoreDirectory, bool hadOriginal, bool originalMustBeBacked)
    {
        var backup = Q(preRestoreDirectory);
        var failed = Q(RestoreLayout.FailedRestoreDirectoryName(runId));
        var moveAside = $$"""
              mkdir -p {{failed}}
              [ ! -e {{failed}}/member ] || { echo "{{failed}}/member already exists" >&2; exit 1; }
              mv member {{failed}}/member
              echo moved-restored-aside
            """;
        return $$"""
            set -eu
            cd {{Data}}
            if [ -d {{backup}}/member ]; then
              if [ -e member ]; then
            {{moveAside}}
              fi
              mv {{backup}}/member member
              rmdir {{backup}} 2>/dev/null || true
              echo moved-original-back
            elif [ {{(hadOriginal ? "yes" : "no")}} = no ]; then
              if [ -e member ]; then
            {{moveAside}}
              fi
            elif [ {{(originalMustBeBacked ? "yes" : "no")}} = yes ]; then
              echo "{{preRestoreDirectory}}/member is missing: the original member is not where the restore moved it" >&2
              exit 1
            fi
            """;
    }

    /// <summary>After a successful restore: this run's scratch directory holds only the snapshot copy and an empty data dir.</summary>
    public static string RemoveScratch(string runId) =>
        $"cd {Data} && rm -rf -- {Q(RestoreLayout.ScratchDirectoryName(runId))}";

    private static string Q(string value) => SshQuoting.ShellQuote(value);
}
