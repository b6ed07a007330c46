using System.Reflection;
using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands;

[Command("version", Description = "Print the version of clusterctl.")]
internal sealed class VersionCommand : CommandBase
{
    public static string Version =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    protected override Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Console.Out.WriteLine($"clusterctl {Version}");
        return Task.FromResult(ExitCodes.Success);
    }
}
