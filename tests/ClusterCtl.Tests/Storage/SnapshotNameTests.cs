using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Storage;

public class SnapshotNameTests
{
    [TestCase("rke_etcd_snapshot_2026-11-21T10-27-42Z")]
    [TestCase("a")]
    [TestCase("before.upgrade-1.29_v2")]
    public void Names_of_letters_digits_dots_underscores_and_dashes_are_valid(string name)
    {
        Assert.That(SnapshotName.Validate(name), Is.EqualTo(name));
    }

    [TestCase("")]
    [TestCase(".")]
    [TestCase("..")]
    [TestCase("../etc/passwd")]
    [TestCase("a/b")]
    [TestCase("with space")]
    [TestCase("colon:name")]
    [TestCase("ümlaut")]
    [TestCase("forged\n")]
    [TestCase("a\nb")]
    public void Other_names_are_refused_with_exit_2_and_the_allowed_characters(string name)
    {
        var error = Assert.Throws<ClusterCtlException>(() => SnapshotName.Validate(name));

        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(error.Message, Does.Contain("A-Z a-z 0-9 . _ -"));
    }

    [Test]
    public void A_file_name_ending_in_a_newline_stands_for_no_snapshot()
    {
        Assert.That(SnapshotName.FromFileName("x.zip\n"), Is.Null);
        Assert.That(SnapshotName.FromFileName("x\n"), Is.Null);
    }

    [Test]
    public void A_name_longer_than_200_characters_is_refused()
    {
        Assert.That(SnapshotName.IsValid(new string('a', 200)), Is.True);
        Assert.That(SnapshotName.IsValid(new string('a', 201)), Is.False);
    }

    [Test]
    public void The_default_name_is_rkes_pattern_without_colons()
    {
        var now = new DateTimeOffset(2026, 11, 21, 11, 27, 42, TimeSpan.FromHours(1));

        Assert.That(SnapshotName.Default("prod", now), Is.EqualTo("prod_etcd_snapshot_2026-11-21T10-27-42Z"));
        Assert.That(SnapshotName.Default(null, now), Is.EqualTo("rke_etcd_snapshot_2026-11-21T10-27-42Z"));
        Assert.That(SnapshotName.Default("  ", now), Is.EqualTo("rke_etcd_snapshot_2026-11-21T10-27-42Z"));
    }

    [Test]
    public void The_file_name_is_the_name_with_zip()
    {
        Assert.That(SnapshotName.FileName("snap"), Is.EqualTo("snap.zip"));
    }

    [TestCase("snap.zip", "snap")]
    [TestCase("snap", "snap")]
    [TestCase("snap.db", "snap.db")]
    [TestCase("snap.ZIP", "snap")]
    [TestCase(".snap.zip", null)]
    [TestCase("snap.zip.partial", null)]
    [TestCase("snap.tmp", null)]
    [TestCase("bad name.zip", null)]
    [TestCase(".zip", null)]
    [TestCase("", null)]
    public void A_file_name_maps_to_its_snapshot_name_unless_it_is_hidden_temporary_or_partial(string fileName, string? expected)
    {
        Assert.That(SnapshotName.FromFileName(fileName), Is.EqualTo(expected));
    }
}
