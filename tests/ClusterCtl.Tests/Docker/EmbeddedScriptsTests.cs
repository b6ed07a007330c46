using System.Text.RegularExpressions;
using ClusterCtl.Docker;
using ClusterCtl.Restore;
using ClusterCtl.Services;
using ClusterCtl.Storage;
using ClusterCtl.Verify;

namespace ClusterCtl.Tests.Docker;

public partial class EmbeddedScriptsTests
{
    private const string Run = "20261207T040000-0a1b2c3d";

    private static IEnumerable<string> ScriptFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepositorySources.Root(), "src", "ClusterCtl.Core", "Scripts"), "*.sh").Select(Path.GetFileName).OfType<string>();

    private static IEnumerable<TestCaseData> Scripts()
    {
        yield return new TestCaseData(ClusterCtl.Restore.RestoreScripts.Swap(Run, "pre-restore-x")).SetArgDisplayNames("swap");
        yield return new TestCaseData(ClusterCtl.Restore.RestoreScripts.RollBack(Run, "pre-restore-x", hadOriginal: true, originalMustBeBacked: false)).SetArgDisplayNames("roll-back");
        yield return new TestCaseData(ClusterCtl.Restore.RestoreScripts.Facts(Run, ["/a.pem", "/b.pem"])).SetArgDisplayNames("facts");
        yield return new TestCaseData(ClusterCtl.Restore.RestoreScripts.FreeSpace()).SetArgDisplayNames("free-space");
        yield return new TestCaseData(ClusterCtl.Restore.RestoreScripts.RemoveScratch(Run)).SetArgDisplayNames("remove-scratch");
        yield return new TestCaseData(ClusterCtl.Restore.RestoreScripts.Extract(Run, "/backup/a.zip", "*backup/a", 4096)).SetArgDisplayNames("extract");
        yield return new TestCaseData(NewNodeCertificates.WriteScript(NewNodeCertificates.StagingName(Run), [("kube-ca.pem", false), ("kube-etcd-1-key.pem", true)], regenerate: false))
            .SetArgDisplayNames("write-new-certs");
        yield return new TestCaseData(NewNodeCertificates.RemoveScript(["kube-ca.pem", "kube-etcd-1-key.pem"])).SetArgDisplayNames("remove-new-certs");
        yield return new TestCaseData(EtcdCleaner.Script(1, dryRun: true, etcdRunning: false)).SetArgDisplayNames("etcd-cleaner");
        yield return new TestCaseData(NodeFileReceiver.Script(new NodeFileTarget("/backup", ".a.zip.partial", "a.zip") { ReadBack = ReadBackHash.Md5, MaxBytes = 4096, ChecksumCacheName = ".a.zip.sha256" }))
            .SetArgDisplayNames("receive-file");
        yield return new TestCaseData(SnapshotDirectoryScripts.RemoveFiles(["a.zip", ".a.zip.sha256"])).SetArgDisplayNames("snapshot-remove-files");
        yield return new TestCaseData(SnapshotDirectoryScripts.MarkVerified("a.zip", new string('0', 64), DateTimeOffset.UnixEpoch)).SetArgDisplayNames("snapshot-mark-verified");
        yield return new TestCaseData(SnapshotDirectoryScripts.Exists("a")).SetArgDisplayNames("snapshot-exists");
        yield return new TestCaseData(SnapshotDirectoryScripts.List("a")).SetArgDisplayNames("snapshot-list");
        yield return new TestCaseData(SnapshotDirectoryScripts.FreeSpace()).SetArgDisplayNames("snapshot-free-space");
        yield return new TestCaseData(DrillScripts.CreateScratch(Run)).SetArgDisplayNames("verify-create-scratch");
        yield return new TestCaseData(DrillScripts.RemoveScratch(Run)).SetArgDisplayNames("verify-remove-scratch");
    }

    [TestCaseSource(nameof(ScriptFiles))]
    public void Every_script_file_is_embedded_as_it_is_in_the_repository(string fileName)
    {
        var path = Path.Combine(RepositorySources.Root(), "src", "ClusterCtl.Core", "Scripts", fileName);

        Assert.That(HelperScript.FromResource(fileName, []).Text, Is.EqualTo(File.ReadAllText(path)));
    }

    [Test]
    public void A_script_name_that_is_not_embedded_fails_at_once() =>
        Assert.That(() => HelperScript.FromResource("restore-swapp.sh", []), Throws.ArgumentException.With.Message.Contains("restore-swapp.sh"));

    [TestCaseSource(nameof(ScriptFiles))]
    public void Every_script_file_has_its_variables_checked(string fileName)
    {
        var text = HelperScript.FromResource(fileName, []).Text;

        Assert.That(Scripts().Select(c => ((HelperScript)c.Arguments[0]!).Text), Has.Some.EqualTo(text), $"add {fileName} to {nameof(Scripts)}");
    }

    [TestCaseSource(nameof(Scripts))]
    public void A_script_reads_exactly_the_variables_its_caller_sets(object helperScript)
    {
        var script = (HelperScript)helperScript;
        var read = ReadVariable().Matches(script.Text).Select(m => m.Groups[1].Value)
            .Concat(ArithmeticExpansion().Matches(script.Text).SelectMany(m => Name().Matches(m.Groups[1].Value)).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);
        // A list's values are read through eval, by number: "$CLUSTERCTL_CERT_$i" reads CLUSTERCTL_CERT_1, _2, ...
        var numbered = read.Where(v => v.EndsWith('_')).ToList();
        var set = script.Environment.Select(e => e[..e.IndexOf('=', StringComparison.Ordinal)])
            .Select(v => numbered.FirstOrDefault(p => v.StartsWith(p, StringComparison.Ordinal) && v[p.Length..].All(char.IsAsciiDigit)) ?? v)
            .ToHashSet(StringComparer.Ordinal);

        Assert.That(read, Is.EquivalentTo(set));
    }

    // Upper case only: the scripts' own locals are lower case.
    [GeneratedRegex(@"\$\{?([A-Z][A-Z0-9_]*)")]
    private static partial Regex ReadVariable();

    // Inside $(( )) a variable is read by its bare name.
    [GeneratedRegex(@"\$\(\(([^)]*)\)\)")]
    private static partial Regex ArithmeticExpansion();

    [GeneratedRegex(@"\b[A-Z][A-Z0-9_]*\b")]
    private static partial Regex Name();
}
