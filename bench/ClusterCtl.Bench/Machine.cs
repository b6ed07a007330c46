namespace ClusterCtl.Bench;

/// <summary>One line about the machine the figures come from.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memoryKib = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        return $"{Environment.ProcessorCount} cores ({cpu}), {long.Parse(memoryKib, System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024} GiB RAM, Linux {kernel}, {DateTime.UtcNow:yyyy-MM-dd}";
    }
}
