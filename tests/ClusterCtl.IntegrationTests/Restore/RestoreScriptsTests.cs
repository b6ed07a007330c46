using System.IO.Compression;
using System.Security.Cryptography;
using ClusterCtl.Restore;

namespace ClusterCtl.IntegrationTests.Restore;

/// <summary>
/// The swap, its rollback and the preflight facts, run in a node's busybox on a temp data dir: renames only, nothing
/// lost whatever part of the swap happened.
/// </summary>
public class RestoreScriptsTests
{
    private const string Run = "20261121T102742-1a2b3c4d";
    private const string PreRestore = "pre-restore-2026-11-21T10-27-42Z";
    private string _data = null!;

    [SetUp]
    public void CreateDataDirectory() => _data = Directory.CreateTempSubdirectory("clusterctl-data-").FullName;

    [TearDown]
    public void RemoveDataDirectory() => Directory.Delete(_data, recursive: true);

    private void Member(string relative, string content)
    {
        Directory.CreateDirectory(Path.Combine(_data, relative, "snap"));
        File.WriteAllText(Path.Combine(_data, relative, "snap", "db"), content);
    }

    private string? Content(string relative) =>
        File.Exists(Path.Combine(_data, relative, "snap", "db")) ? File.ReadAllText(Path.Combine(_data, relative, "snap", "db")) : null;

    private void Restored() => Member($"restore-{Run}/data/member", "restored");

    [Test]
    public async Task The_swap_keeps_the_live_member_in_pre_restore_and_moves_the_restored_one_in()
    {
        Member("member", "original");
        Restored();

        var (exit, stdout, _) = await NodeShell.RunAsync(RestoreScripts.Swap(Run, PreRestore), _data);

        Assert.That(exit, Is.Zero);
        Assert.That(stdout, Does.Contain(RestoreScripts.MovedOriginalMarker).And.Contain(RestoreScripts.MovedRestoredMarker));
        Assert.That(Content("member"), Is.EqualTo("restored"));
        Assert.That(Content($"{PreRestore}/member"), Is.EqualTo("original"));
    }

    [Test]
    public async Task The_swap_marks_the_restored_member_with_this_run_so_a_running_etcd_can_be_checked_against_it()
    {
        Member("member", "original");
        Restored();

        var (exit, _, _) = await NodeShell.RunAsync(RestoreScripts.Swap(Run, PreRestore), _data);

        Assert.That(exit, Is.Zero);
        Assert.That(File.Exists(Path.Combine(_data, "member", RestoreLayout.RestoredMarkerName(Run))), Is.True);
        Assert.That(File.Exists(Path.Combine(_data, PreRestore, "member", RestoreLayout.RestoredMarkerName(Run))), Is.False, "the original is not marked");
    }

    [Test]
    public async Task A_node_without_a_member_gets_the_restored_one_and_no_pre_restore_dir()
    {
        Restored();

        var (exit, stdout, _) = await NodeShell.RunAsync(RestoreScripts.Swap(Run, PreRestore), _data);

        Assert.That(exit, Is.Zero);
        Assert.That(stdout, Does.Not.Contain(RestoreScripts.MovedOriginalMarker));
        Assert.That(Content("member"), Is.EqualTo("restored"));
        Assert.That(Directory.Exists(Path.Combine(_data, PreRestore)), Is.False);
    }

    [Test]
    public async Task The_swap_moves_nothing_onto_an_existing_pre_restore_dir()
    {
        Member("member", "original");
        Member($"{PreRestore}/member", "older");
        Restored();

        var (exit, _, _) = await NodeShell.RunAsync(RestoreScripts.Swap(Run, PreRestore), _data);

        Assert.That(exit, Is.Not.Zero);
        Assert.That(Content("member"), Is.EqualTo("original"));
        Assert.That(Content($"{PreRestore}/member"), Is.EqualTo("older"), "mv would have put member inside the existing one");
    }

    [Test]
    public async Task The_swap_refuses_when_the_restored_member_is_missing_and_moves_nothing()
    {
        Member("member", "original");

        var (exit, _, stderr) = await NodeShell.RunAsync(RestoreScripts.Swap(Run, PreRestore), _data);

        Assert.That(exit, Is.Not.Zero);
        Assert.That(stderr, Does.Contain("is missing"));
        Assert.That(Content("member"), Is.EqualTo("original"));
    }

    [Test]
    public async Task Rolling_back_a_completed_swap_moves_the_restored_member_aside_and_the_original_back()
    {
        Member("member", "original");
        Restored();
        await NodeShell.RunAsync(RestoreScripts.Swap(Run, PreRestore), _data);

        var (exit, _, _) = await NodeShell.RunAsync(RestoreScripts.RollBack(Run, PreRestore, hadOriginal: true, originalMustBeBacked: true), _data);

        Assert.That(exit, Is.Zero);
        Assert.That(Content("member"), Is.EqualTo("original"));
        Assert.That(Content($"failed-restore-{Run}/member"), Is.EqualTo("restored"));
        Assert.That(Directory.Exists(Path.Combine(_data, PreRestore)), Is.False, "the emptied pre-restore dir is removed, so cleanup does not count it");
    }

    [Test]
    public async Task Rolling_back_after_the_original_was_moved_but_not_the_restored_one_puts_the_original_back()
    {
        Member($"{PreRestore}/member", "original");
        Restored();

        var (exit, _, _) = await NodeShell.RunAsync(RestoreScripts.RollBack(Run, PreRestore, hadOriginal: true, originalMustBeBacked: false), _data);

        Assert.That(exit, Is.Zero);
        Assert.That(Content("member"), Is.EqualTo("original"));
        Assert.That(Content($"restore-{Run}/data/member"), Is.EqualTo("restored"), "the scratch copy is left for cleanup");
    }

    [Test]
    public async Task Rolling_back_a_swap_that_moved_nothing_changes_nothing()
    {
        Member("member", "original");
        Restored();

        var (exit, _, _) = await NodeShell.RunAsync(RestoreScripts.RollBack(Run, PreRestore, hadOriginal: true, originalMustBeBacked: false), _data);

        Assert.That(exit, Is.Zero);
        Assert.That(Content("member"), Is.EqualTo("original"));
        Assert.That(Directory.Exists(Path.Combine(_data, $"failed-restore-{Run}")), Is.False);
    }

    [Test]
    public async Task Rolling_back_a_node_that_had_no_member_moves_the_restored_one_aside()
    {
        Restored();
        await NodeShell.RunAsync(RestoreScripts.Swap(Run, PreRestore), _data);

        var (exit, _, _) = await NodeShell.RunAsync(RestoreScripts.RollBack(Run, PreRestore, hadOriginal: false, originalMustBeBacked: false), _data);

        Assert.That(exit, Is.Zero);
        Assert.That(Directory.Exists(Path.Combine(_data, "member")), Is.False);
        Assert.That(Content($"failed-restore-{Run}/member"), Is.EqualTo("restored"));
    }

    [Test]
    public async Task A_rollback_that_must_find_the_original_fails_without_moving_anything_when_it_is_gone()
    {
        Member("member", "restored");

        var (exit, _, stderr) = await NodeShell.RunAsync(RestoreScripts.RollBack(Run, PreRestore, hadOriginal: true, originalMustBeBacked: true), _data);

        Assert.That(exit, Is.Not.Zero);
        Assert.That(stderr, Does.Contain($"{PreRestore}/member is missing"));
        Assert.That(Content("member"), Is.EqualTo("restored"), "the live member stays where it is");
    }

    [Test]
    public async Task The_facts_report_member_snapshot_size_missing_certificates_and_free_space()
    {
        Member("member", "original");
        Directory.CreateDirectory(Path.Combine(_data, $"restore-{Run}"));
        await File.WriteAllTextAsync(Path.Combine(_data, $"restore-{Run}", "snapshot.db"), "12345");
        await File.WriteAllTextAsync(Path.Combine(_data, "ca.pem"), "pem");
        var present = RestoreLayout.DataDirectoryInContainer + "/ca.pem";

        var (exit, stdout, _) = await NodeShell.RunAsync(RestoreScripts.Facts(Run, [present, "/nonexistent/kube-etcd-key.pem"]), _data);
        var facts = PreflightFacts.Parse(stdout);

        Assert.That(exit, Is.Zero);
        Assert.Multiple(() =>
        {
            Assert.That(facts.HasMember, Is.True);
            Assert.That(facts.ScratchDataExists, Is.False);
            Assert.That(facts.SnapshotSizeBytes, Is.EqualTo(5));
            Assert.That(facts.MissingCertificates, Is.EqualTo(new[] { "/nonexistent/kube-etcd-key.pem" }));
            Assert.That(facts.FreeBytes, Is.GreaterThan(0));
        });
    }

    [Test]
    public Task The_extract_finds_an_rke_style_absolute_entry_with_busybox_unzip_and_puts_the_db_in_place() => InSnapshotDirectoryAsync(async snapshots =>
    {
        var db = RandomNumberGenerator.GetBytes(5000);
        WriteZip(Path.Combine(snapshots, "s1.zip"), "/backup/s1", db);

        var (exit, _, stderr) = await NodeShell.RunAsync(RestoreScripts.Extract(Run, "/backup/s1.zip", "*backup/s1", db.Length), _data, snapshots);

        Assert.That(exit, Is.Zero, stderr);
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(_data, $"restore-{Run}", RestoreLayout.SnapshotFileName)), Is.EqualTo(db));
    });

    [Test]
    public Task An_extract_that_comes_out_at_another_size_than_the_manifest_says_leaves_nothing() => InSnapshotDirectoryAsync(async snapshots =>
    {
        WriteZip(Path.Combine(snapshots, "s2.zip"), "/backup/s2", new byte[5000]);

        var (exit, _, stderr) = await NodeShell.RunAsync(RestoreScripts.Extract(Run, "/backup/s2.zip", "*backup/s2", 4000), _data, snapshots);

        Assert.That(exit, Is.EqualTo(3), stderr);
        Assert.That(stderr, Does.Contain("the manifest says 4000"));
        Assert.That(Directory.GetFiles(Path.Combine(_data, $"restore-{Run}")), Is.Empty);
    });

    [Test]
    public Task An_extract_that_inflates_far_past_the_manifest_is_cut_off_and_leaves_nothing() => InSnapshotDirectoryAsync(async snapshots =>
    {
        // 64 MiB of zeros deflate to 64 KiB: a zip that lies about its db in this way would fill the disk.
        WriteZip(Path.Combine(snapshots, "s3.zip"), "/backup/s3", new byte[64 << 20]);

        var (exit, _, stderr) = await NodeShell.RunAsync(RestoreScripts.Extract(Run, "/backup/s3.zip", "*backup/s3", 4000), _data, snapshots);

        Assert.That(exit, Is.EqualTo(3), stderr);
        Assert.That(stderr, Does.Contain("extracted 4096 bytes, the manifest says 4000"), "cut off one 512-byte block past the manifest");
        Assert.That(Directory.GetFiles(Path.Combine(_data, $"restore-{Run}")), Is.Empty);
    });

    [Test]
    public Task An_extract_from_a_zip_without_the_entry_fails_and_leaves_nothing() => InSnapshotDirectoryAsync(async snapshots =>
    {
        WriteZip(Path.Combine(snapshots, "s4.zip"), "/backup/other", new byte[100]);

        var (exit, _, stderr) = await NodeShell.RunAsync(RestoreScripts.Extract(Run, "/backup/s4.zip", "*backup/s4", 100), _data, snapshots);

        Assert.That(exit, Is.Not.Zero, stderr);
        Assert.That(Directory.GetFiles(Path.Combine(_data, $"restore-{Run}")), Is.Empty);
    });

    private static async Task InSnapshotDirectoryAsync(Func<string, Task> test)
    {
        var snapshots = Directory.CreateTempSubdirectory("clusterctl-snapshots-").FullName;
        try
        {
            await test(snapshots);
        }
        finally
        {
            Directory.Delete(snapshots, recursive: true);
        }
    }

    private static void WriteZip(string path, string entryName, byte[] content)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var entry = zip.CreateEntry(entryName).Open();
        entry.Write(content);
    }
}
