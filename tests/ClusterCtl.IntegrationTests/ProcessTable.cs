using System.Globalization;

namespace ClusterCtl.IntegrationTests;

/// <summary>What any user of this machine can read about its processes: where a secret must never show.</summary>
internal static class ProcessTable
{
    /// <summary>The command lines of every live process but this test's own.</summary>
    public static List<string> OtherCommandLines()
    {
        var own = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var lines = new List<string>();
        foreach (var proc in Directory.GetDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit) && Path.GetFileName(d) != own))
        {
            try
            {
                lines.Add(File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' '));
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }

        return lines;
    }
}
