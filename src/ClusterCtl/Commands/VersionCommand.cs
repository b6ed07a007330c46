using System.Reflection;

namespace ClusterCtl.Cli.Commands;

internal sealed class VersionCommand() : CommandBase("version", "Print the version of clusterctl.")
{
    public static string Version =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    protected override Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Console.Out.WriteLine($"clusterctl {Version}");
        return Task.FromResult(ExitCodes.Success);
    }
}
