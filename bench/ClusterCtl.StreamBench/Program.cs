using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ClusterCtl.StreamBench;

// Our own stream code against SharpCompress and System.IO.Pipelines; results and decisions in bench/streams.md.
// Everything runs in memory: no testbed, no network. Exit codes: 0 done, 2 bad arguments.
var mebibytes = 256;
var runs = 5;
var parts = new HashSet<string>(["zip", "readahead", "fanout", "checks"], StringComparer.Ordinal);
var zip64 = false;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--mib":
                mebibytes = int.Parse(args[++i], CultureInfo.InvariantCulture);
                break;
            case "--runs":
                runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                break;
            case "--only":
                parts = new HashSet<string>(args[++i].Split(','), StringComparer.Ordinal);
                break;
            case "--zip64":
                zip64 = true;
                break;
            default:
                throw new ArgumentException($"unknown argument '{args[i]}'");
        }
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or IndexOutOfRangeException)
{
    Console.Error.WriteLine($"streambench: {e.Message}");
    Console.Error.WriteLine("usage: clusterctl-streambench [--mib 256] [--runs 5] [--only zip,readahead,fanout,checks] [--zip64]");
    return 2;
}

var log = Console.Error;
log.WriteLine($"building a {mebibytes} MiB Kubernetes-like db and its zips ...");
var clock = Stopwatch.StartNew();
var payload = Payload.Create(mebibytes);
log.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"  {clock.Elapsed.TotalSeconds:F1} s: deflated zip {payload.DeflatedZip.Length / 1e6:F1} MB ({100.0 * payload.DeflatedZip.Length / payload.Db.Length:F0} %), stored zip {payload.StoredZip.Length / 1e6:F1} MB"));

var rows = new List<Row>();
if (parts.Contains("zip"))
{
    rows.AddRange(await ZipComparison.RunAsync(payload, runs, log));
}

if (parts.Contains("readahead"))
{
    rows.AddRange(await ReadAheadComparison.RunAsync(payload, runs, log));
}

if (parts.Contains("fanout"))
{
    rows.AddRange(await FanOutComparison.RunAsync(payload, runs, log));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{mebibytes} MiB db, median of {runs} alternating runs; {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}"));
Console.WriteLine();
if (rows.Count > 0)
{
    Console.WriteLine(Measure.Table(rows));
}

if (parts.Contains("checks"))
{
    Console.WriteLine(await CorruptionChecks.RunAsync(zip64, log));
}

return 0;
