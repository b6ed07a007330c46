namespace ClusterCtl.Bench;

/// <summary>What to measure. The defaults are the full run whose results bench/README.md holds.</summary>
internal sealed record BenchOptions
{
    public IReadOnlyList<string> EtcdVersions { get; init; } = ["3.5", "3.4"];

    public IReadOnlyList<DbSize> Sizes { get; init; } = [DbSize.Small, DbSize.Parse("32M"), DbSize.Parse("256M"), DbSize.Parse("1G")];

    public int Repetitions { get; init; } = 3;

    public bool Quick { get; init; }

    public HostProfile Profile { get; init; } = HostProfile.PerHost;

    /// <summary>The tools to run (clusterctl, B1, B2, B3R, B3P); null for all.</summary>
    public IReadOnlySet<string>? Tools { get; init; }

    public bool Runs(string tool) => Tools is null || Tools.Contains(tool);

    /// <summary>Rewrite the results section of this README with the run's tables.</summary>
    public string? UpdateReadme { get; init; }

    public string OutputDirectory { get; init; } = "artifacts/bench";

    /// <summary>Only fill the running testbed's etcd up to this size, and measure nothing (for profiling by hand).</summary>
    public DbSize? LoadOnly { get; init; }

    public const string Usage = """
        usage: bench/bench.sh [--quick] [--etcd 3.5,3.4] [--sizes small,32M,256M,1G] [--reps N] [--cpu NODE,OPERATOR|off]
                              [--link RATE[,RTT]] [--tools clusterctl,B1,B2,B3R,B3P] [--update-readme FILE] [--out DIR]
               bench/bench.sh --load SIZE
          --quick   the CI smoke: 32M only, one repetition, both etcd versions; asserts no timings
          --cpu     CPU quotas per node and for the operator's side during the timed runs (default 0.5,0.5); off: none
          --link    shape the operator's link to the nodes (e.g. 100mbit, or 100mbit,20ms where the kernel has netem)
          --tools   run only these tools (e.g. clusterctl alone, for a large one-off size)
          --load    only fill the running testbed's etcd with Kubernetes-like objects up to SIZE (for profiling by hand)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--quick" => options with { Quick = true, Sizes = [DbSize.Parse("32M")], Repetitions = 1 },
                "--etcd" => options with { EtcdVersions = Value().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--sizes" => options with { Sizes = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(DbSize.Parse)] },
                "--reps" => options with { Repetitions = int.TryParse(Value(), out var n) && n > 0 ? n : throw new ArgumentException("--reps needs a positive number") },
                "--update-readme" => options with { UpdateReadme = Value() },
                "--out" => options with { OutputDirectory = Value() },
                "--load" => options with { LoadOnly = DbSize.Parse(Value()) },
                "--cpu" => options with { Profile = HostProfile.ParseCpu(Value(), options.Profile) },
                "--link" => options with { Profile = options.Profile with { Link = Value() } },
                "--tools" => options with { Tools = Value().Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal) },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
        }

        foreach (var version in options.EtcdVersions)
        {
            if (version is not ("3.4" or "3.5"))
            {
                throw new ArgumentException($"--etcd: the testbed has 3.4 and 3.5, not '{version}'");
            }
        }

        if (options.Tools?.FirstOrDefault(t => t is not ("clusterctl" or "B1" or "B2" or "B3R" or "B3P")) is { } unknown)
        {
            throw new ArgumentException($"--tools: no tool '{unknown}' (clusterctl, B1, B2, B3R, B3P)");
        }

        return options;
    }
}
