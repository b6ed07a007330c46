using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ClusterCtl.Cli;

/// <summary>What this binary is: the version, the commit it was built from, when, and how it runs.</summary>
internal sealed record BuildInfo(string Version, string Commit, string BuildDate, string Build, string Platform)
{
    public static BuildInfo Current { get; } = Read();

    private static BuildInfo Read()
    {
        var assembly = typeof(BuildInfo).Assembly;
        // "0.1.0+<sha>": the SDK appends the commit it built from.
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        return new BuildInfo(
            plus < 0 ? informational : informational[..plus],
            commit.Length > 12 ? commit[..12] : commit,
            assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "BuildDate")?.Value ?? "unknown",
            RuntimeFeature.IsDynamicCodeSupported ? ".NET " + Environment.Version : "native",
            $"{(OperatingSystem.IsLinux() ? "linux" : RuntimeInformation.OSDescription)}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}");
    }
}
