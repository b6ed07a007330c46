using McMaster.Extensions.CommandLineUtils;

namespace ClusterCtl.Cli.Commands;

internal sealed class VersionCommand() : CommandBase("version", "Print the version of clusterctl, the commit it was built from, and the build date.")
{
    private CommandOption _output = null!;

    protected override void DeclareOptions(CommandLineApplication command) => _output = OutputOption.Declare(command);

    protected override Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var build = BuildInfo.Current;
        if (_output.Format() == OutputFormat.Json)
        {
            CliJson.Write(build);
        }
        else
        {
            Console.Out.WriteLine($"clusterctl {build.Version} (commit {build.Commit}, built {build.BuildDate}, {build.Build}, {build.Platform})");
        }

        return Task.FromResult(ExitCodes.Success);
    }
}
