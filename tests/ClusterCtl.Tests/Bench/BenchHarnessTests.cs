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
            samples.Add(Run("restore", "clusterctl", size, rep, 4 + rep, rss: 110_000_000));
            samples.Add(Run("restore", "B3", size, rep, 10 + rep));
        }

        var text = ResultTable.Render(samples, "bench/bench.sh", "test machine");

        Assert.That(text, Does.Contain("| 3.5 | 268 MB | save (nodes only) | 11.00 s | B1 etcdctl + ssh cat | 6.00 s | 1.83 | ≤ 1.25× **missed** | 100 MB | 24 |"));
        Assert.That(text, Does.Contain("| save (nodes only) | 11.00 s | B2 RKE, node by node | 31.00 s | 0.35 | ≤ 0.6× met |"));
        Assert.That(text, Does.Contain("| save (nodes + S3) | 13.00 s | B1 etcdctl + ssh cat | 6.00 s | 2.17 | – | 120 MB |"));
        Assert.That(text, Does.Contain("| restore | 5.00 s | B3 manual, node by node | 11.00 s | 0.45 | ≤ 0.5× met |"));
        Assert.That(text, Does.Contain("median of 3 run(s)"));
    }

    [Test]
    public void The_memory_line_says_whether_peak_RSS_at_1_GiB_stays_within_the_target()
    {
        var small = DbSize.Parse("32M");
        var large = DbSize.Parse("1G");
        Sample[] flat = [Run("save", "clusterctl", small, 0, 1, rss: 100_000_000), Run("save", "clusterctl", large, 0, 9, rss: 110_000_000)];
        Sample[] growing = [Run("save", "clusterctl", small, 0, 1, rss: 100_000_000), Run("save", "clusterctl", large, 0, 9, rss: 130_000_000)];

        Assert.That(ResultTable.Render(flat, "b", "m"), Does.Contain("1 GiB against 32 MiB: 1.10× (target ≤ 150 MB and ≤ 1.2×: met)"));
        Assert.That(ResultTable.Render(growing, "b", "m"), Does.Contain("1 GiB against 32 MiB: 1.30× (target ≤ 150 MB and ≤ 1.2×: **missed**)"));
    }

    private static Sample Run(string scenario, string tool, DbSize size, int repetition, double seconds, long? rss = null) =>
        new(scenario, tool, "3.5", size, size.Bytes, repetition, TimeSpan.FromSeconds(seconds), rss, new Dictionary<string, double>());
}
