using ClusterCtl.Cli.Commands;
using ClusterCtl.Etcd;

namespace ClusterCtl.Tests.Cli;

/// <summary>The plain progress line that CI logs show and scripts grep.</summary>
public class TransferProgressLineTests
{
    [Test]
    public void A_line_shows_bytes_share_average_rate_and_time_left()
    {
        var line = TransferProgressLine.Format(new TransferProgress("snapshot rke_etcd_snapshot_x", 12L << 20, 256L << 20), TimeSpan.FromSeconds(0.3));

        Assert.That(line, Is.EqualTo("[snapshot rke_etcd_snapshot_x] 12 MiB of 256 MiB (5%), 40 MiB/s, ETA 00:06"));
    }

    [Test]
    public void Before_any_time_has_passed_the_line_shows_no_rate_and_no_time_left()
    {
        var line = TransferProgressLine.Format(new TransferProgress("restore x", 0, 3L << 20), TimeSpan.Zero);

        Assert.That(line, Is.EqualTo("[restore x] 0 B of 3.0 MiB (0%), 0 B/s, ETA 00:00"));
    }

    [Test]
    public void A_transfer_of_unknown_size_shows_no_share()
    {
        var line = TransferProgressLine.Format(new TransferProgress("restore x", 1024, 0), TimeSpan.FromSeconds(1));

        Assert.That(line, Is.EqualTo("[restore x] 1.0 KiB of 0 B (0%), 1.0 KiB/s, ETA 00:00"));
    }
}
