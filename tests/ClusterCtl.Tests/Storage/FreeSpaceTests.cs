using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Storage;

public class FreeSpaceTests
{
    [Test]
    public void Busybox_df_output_gives_the_available_bytes()
    {
        const string output = "Filesystem           1024-blocks    Used Available Capacity Mounted on\n/dev/vda             263112772 13418764 236229648   5% /backup\n";

        Assert.That(FreeSpace.ParseDfOutput(output), Is.EqualTo(236229648L * 1024));
    }

    [Test]
    public void A_device_name_that_wraps_onto_its_own_line_is_handled()
    {
        const string output = "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/mapper/very-long-volume-group-name\n  1000 200 800 20% /backup\n";

        Assert.That(FreeSpace.ParseDfOutput(output), Is.EqualTo(800L * 1024));
    }

    [Test]
    public void Output_without_a_data_line_gives_nothing()
    {
        Assert.That(FreeSpace.ParseDfOutput("df: /backup: No such file or directory\n"), Is.Null);
    }
}
