using System.IO.Compression;
using ClusterCtl.Bench;

namespace ClusterCtl.Tests.Bench;

public class BenchHarnessTests
{
    [Test]
    public void The_median_of_an_odd_count_is_the_middle_value_and_of_an_even_count_the_mean_of_the_two()
    {
        Assert.That(Statistics.Median([9.0, 1.0, 5.0]), Is.EqualTo(5.0));
        Assert.That(Statistics.Median([4.0, 1.0, 3.0, 2.0]), Is.EqualTo(2.5));
        Assert.Throws<ArgumentException>(() => Statistics.Median([]));
    }

    [Test]
    public void Each_repetition_starts_with_the_next_tool_so_drift_hits_all_of_them()
    {
        string[] tools = ["clusterctl", "B1", "B2"];

        Assert.That(Statistics.Alternate(tools, 0), Is.EqualTo(new[] { "clusterctl", "B1", "B2" }));
        Assert.That(Statistics.Alternate(tools, 1), Is.EqualTo(new[] { "B1", "B2", "clusterctl" }));
        Assert.That(Statistics.Alternate(tools, 2), Is.EqualTo(new[] { "B2", "clusterctl", "B1" }));
        Assert.That(Statistics.Alternate(tools, 3), Is.EqualTo(tools));
    }

    [Test]
    public void Quick_mode_is_the_32_MiB_case_once_on_both_etcd_versions()
    {
        var options = BenchOptions.Parse(["--quick"]);

        Assert.That(options.Sizes.Select(s => s.Bytes), Is.EqualTo(new[] { 32L << 20 }));
        Assert.That(options.Repetitions, Is.EqualTo(1));
        Assert.That(options.EtcdVersions, Is.EqualTo(new[] { "3.5", "3.4" }));
    }

    [TestCase("--reps", "0")]
    [TestCase("--etcd", "3.6")]
    [TestCase("--sizes", "12K")]
    [TestCase("--bogus", "x")]
    [TestCase("--cpu", "half")]
    [TestCase("--tools", "B3")]
    public void Bad_arguments_are_refused(string flag, string value) =>
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse([flag, value]));

    [Test]
    public void Sizes_read_as_binary_megabytes_and_gigabytes()
    {
        Assert.That(DbSize.Parse("256M"), Is.EqualTo(new DbSize("256 MiB", 256L << 20)));
        Assert.That(DbSize.Parse("1G"), Is.EqualTo(new DbSize("1 GiB", 1L << 30)));
        Assert.That(DbSize.Parse("small"), Is.EqualTo(DbSize.Small));
    }

    [Test]
    public void Kubernetes_like_objects_are_deterministic_and_live_under_registry()
    {
        var a = new KubeObjects(7);
        var b = new KubeObjects(7);
        for (var i = 0; i < 200; i++)
        {
            var (keyA, valueA) = a.Next();
            var (keyB, valueB) = b.Next();
            Assert.That(keyA, Is.EqualTo(keyB));
            Assert.That(valueA, Is.EqualTo(valueB));
            Assert.That(keyA, Does.Match("^/registry/(pods|configmaps|secrets|events)/[a-z-]+/"));
        }
    }

    [Test]
    public void Kubernetes_like_objects_compress_like_real_cluster_data_not_like_random_bytes()
    {
        var objects = new KubeObjects(11);
        using var raw = new MemoryStream();
        while (raw.Length < 8 << 20)
        {
            var value = objects.Next().Value;
            raw.Write(value);
        }

        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            raw.Position = 0;
            raw.CopyTo(deflate);
        }

        var ratio = (double)compressed.Length / raw.Length;
        Assert.That(ratio, Is.InRange(0.15, 0.5), "Kubernetes objects deflate to roughly a fifth to a half");
    }

    [Test]
    public void The_table_puts_clusterctl_against_each_baseline_and_says_when_a_target_is_missed()
    {
        var size = DbSize.Parse("256M");
        var samples = new List<Sample>();
        for (var rep = 0; rep < 3; rep++)
        {
            samples.Add(Run("save", "clusterctl", size, rep, 10 + rep, rss: 100_000_000));
            samples.Add(Run("save", "B1", size, rep, 5 + rep));
            samples.Add(Run("save", "B2", size, rep, 30 + rep));
            samples.Add(Run("save+s3", "clusterctl", size, rep, 12 + rep, rss: 120_000_000));
            samples.Add(Run("restore", "clusterctl", size, rep, 4 + rep, rss: 110_000_000) with { Downtime = TimeSpan.FromSeconds(2 + rep) });
            samples.Add(Run("restore", "B3R", size, rep, 10 + rep) with { Downtime = TimeSpan.FromSeconds(8) });
            samples.Add(Run("restore", "B3P", size, rep, 4 + rep) with { Downtime = TimeSpan.FromSeconds(2) });
        }

        var text = ResultTable.Render(samples, "bench/bench.sh", "test machine", HostProfile.PerHost);

        Assert.That(text, Does.Contain("| 3.5 | 268 MB | save (nodes only) | 11.00 s | B1 etcdctl + ssh cat | 6.00 s | 1.83 | ≤ 1.2× **missed** | 100 MB | 24 |"));
        Assert.That(text, Does.Contain("| save (nodes only) | 11.00 s | B2 RKE, node by node | 31.00 s | 0.35 | ≤ 0.5× met |"));
        Assert.That(text, Does.Contain("| save (nodes + S3) | 13.00 s | B1 etcdctl + ssh cat | 6.00 s | 2.17 | – | 120 MB |"));
        Assert.That(text, Does.Contain("| restore | 5.00 s | B3R manual, node by node | 11.00 s | 0.45 | ≤ 0.5× met |"));
        Assert.That(text, Does.Contain("| restore | 5.00 s | B3P manual, nodes in parallel | 5.00 s | 1.00 | ≤ 1.1× met |"));
        Assert.That(text, Does.Contain("| restore downtime | 3.00 s | B3P manual, nodes in parallel | 2.00 s | 1.50 | ≤ 1× **missed** |"));
        Assert.That(text, Does.Contain("| restore downtime | 3.00 s | B3R manual, node by node | 8.00 s | 0.38 | – |"));
        Assert.That(text, Does.Contain("0.5 CPU per node, 0.5 for the operator"));
        Assert.That(text, Does.Contain("median of 3 run(s)"));
    }

    [Test]
    public void Below_256_MiB_the_small_db_targets_hold()
    {
        var size = DbSize.Small;
        Sample[] samples =
        [
            Run("save", "clusterctl", size, 0, 4), Run("save", "B2", size, 0, 5),
            Run("restore", "clusterctl", size, 0, 12), Run("restore", "B3P", size, 0, 10),
        ];

        var text = ResultTable.Render(samples, "b", "m", HostProfile.PerHost);

        Assert.That(text, Does.Contain("| B2 RKE, node by node | 5.00 s | 0.80 | ≤ 1× met |"));
        Assert.That(text, Does.Contain("| B3P manual, nodes in parallel | 10.00 s | 1.20 | ≤ 1.3× met |"));
    }

    [Test]
    public void The_link_table_gives_bytes_over_the_operators_link_per_byte_of_db()
    {
        var size = DbSize.Parse("32M");
        Sample[] samples =
        [
            Run("save", "clusterctl", size, 0, 4) with { LinkBytes = 2 * size.Bytes },
            Run("save", "B1", size, 0, 3) with { LinkBytes = 4 * size.Bytes },
        ];

        var text = ResultTable.Render(samples, "b", "m", HostProfile.PerHost);

        Assert.That(text, Does.Contain("| 3.5 | 34 MB | 2.00 | – | 4.00 | – | – | – | – |"));
    }

    [Test]
    public void The_memory_line_holds_the_save_with_S3_at_1_GiB_to_120_MB_and_a_larger_one_to_a_tenth_more()
    {
        var gib = DbSize.Parse("1G");
        var four = DbSize.Parse("4G");
        Sample[] flat = [Run("save+s3", "clusterctl", gib, 0, 9, rss: 100_000_000), Run("save+s3", "clusterctl", four, 0, 40, rss: 105_000_000)];
        Sample[] growing = [Run("save+s3", "clusterctl", gib, 0, 9, rss: 125_000_000), Run("save+s3", "clusterctl", four, 0, 40, rss: 150_000_000)];

        Assert.That(ResultTable.Render(flat, "b", "m", HostProfile.PerHost), Does.Contain("save with S3 at 1 GiB: 100 MB (target ≤ 120 MB: met); at 4 GiB: 105 MB, 1.05× (target ≤ 1.1×: met)"));
        Assert.That(ResultTable.Render(growing, "b", "m", HostProfile.PerHost), Does.Contain("save with S3 at 1 GiB: 125 MB (target ≤ 120 MB: **missed**); at 4 GiB: 150 MB, 1.20× (target ≤ 1.1×: **missed**)"));
    }

    [Test]
    public void Downtime_runs_from_the_first_stop_anywhere_to_the_last_start_anywhere()
    {
        (int, string, long)[] events =
        [
            (1, "start", 100), (1, "die", 1_000_000_000), (2, "die", 1_500_000_000),
            (1, "start", 3_000_000_000), (2, "start", 4_000_000_000),
        ];

        Assert.That(Downtime.From(events), Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(Downtime.From([(1, "start", 5)]), Is.Null, "a save stops nothing");
        Assert.Throws<BenchException>(() => Downtime.From([(1, "die", 1), (2, "die", 2), (1, "start", 3)]), "node 2 never came back");
    }

    [Test]
    public void The_profile_defaults_to_half_a_CPU_per_node_and_can_be_changed_or_turned_off()
    {
        Assert.That(BenchOptions.Parse([]).Profile, Is.EqualTo(HostProfile.PerHost));
        Assert.That(BenchOptions.Parse(["--cpu", "1,0.25", "--link", "100mbit"]).Profile, Is.EqualTo(new HostProfile(1, 0.25, "100mbit")));
        Assert.That(BenchOptions.Parse(["--cpu", "off"]).Profile.TestbedCommands(), Is.EqualTo(new[] { new[] { "cpu", "off" }, new[] { "link", "off" } }));
        Assert.That(BenchOptions.Parse(["--tools", "clusterctl"]).Runs("B1"), Is.False);
    }

    private static Sample Run(string scenario, string tool, DbSize size, int repetition, double seconds, long? rss = null) =>
        new(scenario, tool, "3.5", size, size.Bytes, repetition, TimeSpan.FromSeconds(seconds), rss, new Dictionary<string, double>());
}
