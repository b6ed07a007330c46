using System.Diagnostics;

namespace ClusterCtl.IntegrationTests;

/// <summary>
/// The local multi-host testbed brought up by tests/testbed/testbed.sh (test.sh does that before the tests run).
/// Tests use it as an operator's real cluster, and use its host-side sockets only to inject faults and check results.
/// </summary>
internal static class Testbed
{
    // Same rule as tests/testbed/lib.sh: CLUSTERCTL_TESTBED_DIR, else the directory of instance CLUSTERCTL_TESTBED_ID.
    public static string Directory { get; } =
        Environment.GetEnvironmentVariable("CLUSTERCTL_TESTBED_DIR") is { Length: > 0 } dir ? dir
        : Environment.GetEnvironmentVariable("CLUSTERCTL_TESTBED_ID") is { Length: > 0 } id and not "0" ? "/var/lib/clusterctl-testbed-" + id
        : "/var/lib/clusterctl-testbed";

    public static string Script { get; } = Path.Combine(RepositoryRoot(), "tests", "testbed", "testbed.sh");

    public static string ClusterYml => Path.Combine(Directory, "cluster.yml");

    public static string SshKey => Path.Combine(Directory, "id_ed25519");

    public static IReadOnlyDictionary<string, string> Env => LoadEnv();

    public static int NodeCount => int.Parse(Env["TB_NODES"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Node addresses are 10.213.&lt;id&gt;.1N; a node from add-node is not in testbed.env, so its address is derived.</summary>
    public static string NodeAddress(int node)
    {
        var env = Env;
        if (env.TryGetValue($"TB_NODE{node}_ADDR", out var address))
        {
            return address;
        }

        var first = env["TB_NODE1_ADDR"];
        return first[..first.LastIndexOf('.')] + ".1" + node.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Node N's address on the second network that <c>testbed.sh internal-net on</c> adds: 10.214.&lt;id&gt;.1N.</summary>
    public static string InternalAddress(int node) => Env["TB_INTERNAL_PREFIX"] + ".1" + node.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string NodeDockerSocket(int node) => Path.Combine(Directory, "nodes", $"node{node}", "docker.sock");

    /// <summary>Runs a testbed subcommand (up, reset, cut, stop-sshd, docker, etcdctl, ...) and returns its stdout.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var result = await TryRunAsync(args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"testbed.sh {string.Join(' ', args)} failed with {result.ExitCode}:\n{result.Stderr}");
        }

        return result.Stdout;
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> TryRunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A hung testbed.sh left running would hang every fixture after this one; say what it was doing instead.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"testbed.sh {string.Join(' ', args)} did not finish within 5 minutes and was killed:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A fresh known_hosts file, so each test decides what it trusts.</summary>
    public static string NewKnownHostsFile() => Path.Combine(System.IO.Directory.CreateTempSubdirectory("clusterctl-kh-").FullName, "known_hosts");

    private static Dictionary<string, string> LoadEnv() =>
        File.ReadAllLines(Path.Combine(Directory, "testbed.env"))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('"', '\''), StringComparer.Ordinal);

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClusterCtl.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (ClusterCtl.sln) above " + AppContext.BaseDirectory);
    }
}
