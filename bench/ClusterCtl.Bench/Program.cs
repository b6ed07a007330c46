using System.Text.Json;
using ClusterCtl.Bench;

// The benchmark harness (bench/README.md): clusterctl against the fastest things a person could do by hand, on
// the local testbed, in the same run. Exit codes: 0 done, 1 a run failed or did not check out, 2 bad arguments.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var root = RepositoryRoot();
var command = "bench/bench.sh" + (args.Length > 0 ? " " + string.Join(' ', args) : "");
var run = new BenchRun(options, root, Console.Error);
try
{
    if (options.LoadOnly is { } size)
    {
        await run.LoadAsync(size, cancellation.Token);
        return 0;
    }

    await run.RunAsync(cancellation.Token);
}
catch (BenchException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 1;
}

var tables = ResultTable.Render(run.Samples, command, Machine.Describe(), options.Profile);
Directory.CreateDirectory(options.OutputDirectory);
await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "results.md"), tables);
await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "samples.json"), JsonSerializer.Serialize(run.Samples, new JsonSerializerOptions { WriteIndented = true }));
if (options.UpdateReadme is { } readme)
{
    ReadmeResults.Replace(readme, tables);
}

Console.WriteLine(tables);
return 0;

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "ClusterCtl.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("run the harness from a clusterctl checkout (bench/bench.sh)");
}
