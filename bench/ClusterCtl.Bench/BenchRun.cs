using System.Text.Json.Nodes;

namespace ClusterCtl.Bench;

/// <summary>
/// The whole measurement: for each etcd version a fresh 3-node testbed, loaded size after size; at each size every
/// save and restore tool runs once per repetition, in an order rotated each repetition so that drift hits all of
/// them. Every run is checked (files on every node, data really restored) before its time counts; clean-up
/// between runs is not timed.
/// </summary>
internal sealed class BenchRun(BenchOptions options, string repositoryRoot, TextWriter log)
{
    private const string GoldenName = "bench-golden";
    private const string WarmUpName = "bench-warm-up";
    private const string MarkerKey = "/bench/written-after-the-golden-snapshot";
    private const int DataSeed = 20261121;

    private readonly Testbed _testbed = new(repositoryRoot);
    private readonly string _clusterctl = Environment.GetEnvironmentVariable("CLUSTERCTL")
        ?? Path.Combine(repositoryRoot, "src", "ClusterCtl", "bin", "Release", "net10.0", "clusterctl");
    private readonly string _baselines = Path.Combine(repositoryRoot, "bench", "baselines");
    private readonly List<Sample> _samples = [];

    public IReadOnlyList<Sample> Samples => _samples;

    /// <summary>Fills the running testbed (any etcd version) up to the size, with fresh keys each time.</summary>
    public async Task LoadAsync(DbSize size, CancellationToken cancellationToken)
    {
        _testbed.Reload();
        var gateways = Enumerable.Range(1, _testbed.NodeCount).Select(n => EtcdGateway.ForNode(_testbed, n)).ToList();
        try
        {
            await new DataLoader(gateways, new KubeObjects(Environment.TickCount), log).FillToAsync(size, cancellationToken);
        }
        finally
        {
            gateways.ForEach(g => g.Dispose());
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var version in options.EtcdVersions)
        {
            log.WriteLine($"[bench] etcd {version}: fresh 3-node testbed");
            await _testbed.ResetAsync(version, options.Sizes.MaxBy(s => s.Bytes), cancellationToken);
            var gateways = Enumerable.Range(1, _testbed.NodeCount).Select(n => EtcdGateway.ForNode(_testbed, n)).ToList();
            try
            {
                var loader = new DataLoader(gateways, new KubeObjects(DataSeed), log);
                foreach (var size in options.Sizes.OrderBy(s => s.Bytes))
                {
                    // The quotas would only slow the loading down; they hold for the timed runs.
                    await _testbed.ApplyAsync(HostProfile.Unshaped, cancellationToken);
                    var dbBytes = await loader.FillToAsync(size, cancellationToken);
                    await _testbed.ApplyAsync(options.Profile, cancellationToken);
                    await MeasureSavesAsync(version, size, dbBytes, cancellationToken);
                    await MeasureRestoresAsync(version, size, dbBytes, gateways, cancellationToken);
                }
            }
            finally
            {
                gateways.ForEach(g => g.Dispose());
                await _testbed.ApplyAsync(HostProfile.Unshaped, CancellationToken.None);
            }
        }
    }

    private async Task MeasureSavesAsync(string version, DbSize size, long dbBytes, CancellationToken cancellationToken)
    {
        List<(string Scenario, string Tool, Func<string, Task<Sample>> Run)> runs =
        [
            ("save", "clusterctl", name => ClusterctlSaveAsync(name, "save", s3: false, version, size, dbBytes, cancellationToken)),
            ("save", "B1", name => BaselineAsync("b1-save-and-fan-out.sh", [name], "save", "B1", version, size, dbBytes, cancellationToken)),
            ("save", "B2", name => BaselineAsync("b2-rke-each-node.sh", [name], "save", "B2", version, size, dbBytes, cancellationToken)),
            ("save+s3", "clusterctl", name => ClusterctlSaveAsync(name, "save+s3", s3: true, version, size, dbBytes, cancellationToken)),
        ];
        // At 1 GiB the first snapshot after a load took 16 s where later ones took 9 (clusterctl's snapshot phase, in two
        // runs); with one repetition the same tool always comes first. An untimed snapshot on node 1 takes that for nobody.
        var warmUp = $"/var/lib/rancher/etcd/{WarmUpName}.db";
        (await Shell.RunAsync(_testbed.Script, ["etcdctl", "1", "snapshot", "save", warmUp], cancellationToken: cancellationToken)).EnsureSucceeded("the warm-up snapshot");
        File.Delete(Path.Combine(_testbed.DataDirectory(1), WarmUpName + ".db"));

        runs = [.. runs.Where(r => options.Runs(r.Tool))];
        for (var repetition = 0; repetition < options.Repetitions; repetition++)
        {
            foreach (var (scenario, tool, run) in Statistics.Alternate(runs, repetition))
            {
                var name = $"bench-{tool.ToLowerInvariant()}-{scenario.Replace('+', '-')}-{repetition}";
                var sample = await MeasuredAsync(() => run(name)) with { Repetition = repetition };
                Record(sample);
                await CleanUpSaveAsync(name, scenario, cancellationToken);
            }
        }
    }

    private async Task MeasureRestoresAsync(string version, DbSize size, long dbBytes, List<EtcdGateway> gateways, CancellationToken cancellationToken)
    {
        // One snapshot for every tool: the zip clusterctl's save left on every node, what a person has after a save.
        (await Clusterctl(["etcd", "snapshot-save", "--name", GoldenName], cancellationToken)).EnsureSucceeded("the golden snapshot-save");
        var keys = await gateways[0].CountAsync("/registry/", cancellationToken);

        List<(string Tool, Func<Task<Sample>> Run)> runs =
        [
            ("clusterctl", () => ClusterctlRestoreAsync(version, size, dbBytes, cancellationToken)),
            ("B3R", () => BaselineAsync("b3-manual-restore.sh", [GoldenName, "serial"], "restore", "B3R", version, size, dbBytes, cancellationToken)),
            ("B3P", () => BaselineAsync("b3-manual-restore.sh", [GoldenName, "parallel"], "restore", "B3P", version, size, dbBytes, cancellationToken)),
        ];
        runs = [.. runs.Where(r => options.Runs(r.Tool))];
        for (var repetition = 0; repetition < options.Repetitions; repetition++)
        {
            foreach (var (tool, run) in Statistics.Alternate(runs, repetition))
            {
                await gateways[0].PutAsync(MarkerKey, tool, cancellationToken);
                var since = DateTimeOffset.UtcNow;
                var sample = await MeasuredAsync(run);
                await VerifyRestoredAsync(tool, gateways, keys, cancellationToken);
                Record(sample with { Repetition = repetition, Downtime = await Downtime.MeasureAsync(_testbed, since, DateTimeOffset.UtcNow, cancellationToken) });
                _testbed.RemoveKeptDataDirectories();
            }
        }

        _testbed.RemoveSnapshotFiles(GoldenName + ".*");
    }

    // The bytes over the operator's link, counted around the run.
    private async Task<Sample> MeasuredAsync(Func<Task<Sample>> run)
    {
        var link = new LinkCounter(_testbed["TB_BRIDGE"]);
        var before = link.Read();
        var sample = await run();
        return sample with { LinkBytes = link.Read() - before };
    }

    private async Task<Sample> ClusterctlSaveAsync(string name, string scenario, bool s3, string version, DbSize size, long dbBytes, CancellationToken cancellationToken)
    {
        string[] arguments = ["etcd", "snapshot-save", "--name", name, "--output", "json", .. s3 ? S3Arguments : []];
        var result = await Clusterctl(arguments, cancellationToken, measurePeakRss: true);
        result.EnsureSucceeded($"clusterctl {scenario}");
        var report = JsonNode.Parse(result.Stdout)!;
        var copies = report["copies"]!.AsArray();
        if (copies.Count != _testbed.NodeCount + (s3 ? 1 : 0) || copies.Any(c => c!["succeeded"]!.GetValue<bool>() is false))
        {
            throw new BenchException($"clusterctl {scenario} reported {copies.Count} copies, not all of them good: {result.Stdout}");
        }

        ExpectOnEveryNode(name + ".zip", report["zipSize"]!.GetValue<long>());
        return new Sample(scenario, "clusterctl", version, size, dbBytes, 0, result.Elapsed, result.PeakRssBytes, Phases(report));
    }

    private async Task<Sample> ClusterctlRestoreAsync(string version, DbSize size, long dbBytes, CancellationToken cancellationToken)
    {
        var result = await Clusterctl(["etcd", "snapshot-restore", "--name", GoldenName, "--output", "json"], cancellationToken, measurePeakRss: true);
        result.EnsureSucceeded("clusterctl restore");
        return new Sample("restore", "clusterctl", version, size, dbBytes, 0, result.Elapsed, result.PeakRssBytes, Phases(JsonNode.Parse(result.Stdout)!));
    }

    private async Task<Sample> BaselineAsync(string script, string[] arguments, string scenario, string tool, string version, DbSize size, long dbBytes, CancellationToken cancellationToken)
    {
        var result = await Shell.RunAsync(Path.Combine(_baselines, script), arguments, TestbedEnvironment, cancellationToken: cancellationToken);
        result.EnsureSucceeded($"{tool} ({script})");
        switch (tool)
        {
            case "B1":
                ExpectOnEveryNode(arguments[0] + ".db", expectedLength: null);
                break;
            case "B2":
                ExpectOnEveryNode(arguments[0] + ".gz", expectedLength: null);
                break;
        }

        return new Sample(scenario, tool, version, size, dbBytes, 0, result.Elapsed, null, new Dictionary<string, double>());
    }

    // A restore counts only if it really put the snapshot back on every member: the marker written after the
    // snapshot is gone and the object count is the snapshot's.
    private static async Task VerifyRestoredAsync(string tool, List<EtcdGateway> gateways, long keys, CancellationToken cancellationToken)
    {
        for (var node = 0; node < gateways.Count; node++)
        {
            var marker = await gateways[node].CountAsync(MarkerKey, cancellationToken);
            var objects = await gateways[node].CountAsync("/registry/", cancellationToken);
            if (marker != 0 || objects != keys)
            {
                throw new BenchException($"after the {tool} restore, node{node + 1} has {objects} objects (expected {keys}) and the marker {(marker == 0 ? "gone" : "still there")}");
            }
        }
    }

    private async Task CleanUpSaveAsync(string name, string scenario, CancellationToken cancellationToken)
    {
        if (scenario == "save+s3")
        {
            (await Clusterctl(["etcd", "snapshot-delete", "--name", name, .. S3Arguments], cancellationToken)).EnsureSucceeded("snapshot-delete");
        }

        _testbed.RemoveSnapshotFiles(name + ".*");
    }

    private void ExpectOnEveryNode(string file, long? expectedLength)
    {
        var lengths = Enumerable.Range(1, _testbed.NodeCount)
            .Select(n => new FileInfo(Path.Combine(_testbed.SnapshotDirectory(n), file)))
            .Select(f => f.Exists ? f.Length : -1)
            .ToList();
        if (lengths.Any(l => l <= 0) || lengths.Distinct().Count() > 1 && !file.EndsWith(".gz", StringComparison.Ordinal) || expectedLength is { } e && lengths[0] != e)
        {
            throw new BenchException($"{file}: expected one copy of the same length on every node, found lengths {string.Join(", ", lengths)}");
        }
    }

    private void Record(Sample sample)
    {
        _samples.Add(sample);
        log.WriteLine($"[bench] etcd {sample.Etcd} {sample.Size,-7} {sample.Scenario,-8} {sample.Tool,-10} rep {sample.Repetition}: {sample.Elapsed.TotalSeconds,6:F2}s" +
            (sample.PeakRssBytes is { } rss ? $", peak RSS {rss / 1e6:F0} MB" : "") +
            (sample.Downtime is { } downtime ? $", downtime {downtime.TotalSeconds:F2}s" : "") +
            $", link {sample.LinkBytes / 1e6:F1} MB");
    }

    private Task<ShellResult> Clusterctl(string[] arguments, CancellationToken cancellationToken, bool measurePeakRss = false) =>
        Shell.RunAsync(_clusterctl, [.. arguments, "--config", _testbed.ClusterYml, "--known-hosts", _testbed.KnownHosts],
            TestbedEnvironment, measurePeakRss, cancellationToken);

    private string[] S3Arguments =>
        ["--s3", "--s3-endpoint", _testbed["TB_S3_ENDPOINT"], "--bucket-name", _testbed["TB_S3_BUCKET"], "--folder", "bench"];

    private Dictionary<string, string> TestbedEnvironment => new()
    {
        ["AWS_ACCESS_KEY_ID"] = _testbed["TB_S3_ACCESS_KEY"],
        ["AWS_SECRET_ACCESS_KEY"] = _testbed["TB_S3_SECRET_KEY"],
        ["CLUSTERCTL_TESTBED_DIR"] = _testbed.Directory,
    };

    private static Dictionary<string, double> Phases(JsonNode report) =>
        report["phases"]?.AsArray().ToDictionary(p => p!["phase"]!.GetValue<string>(), p => p!["seconds"]!.GetValue<double>()) ?? [];
}
