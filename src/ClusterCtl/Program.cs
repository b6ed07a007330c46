using System.Runtime.InteropServices;
using ClusterCtl;
using ClusterCtl.Cli.Commands;
using ClusterCtl.Cli.Logging;
using McMaster.Extensions.CommandLineUtils;
using Serilog.Core;

using var shutdown = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Keep the process alive: the running command sees the token, cleans up, and we exit 130.
    e.Cancel = true;
    shutdown.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    shutdown.Cancel();
});

using var app = new CommandLineApplication<ClusterCtlCommand>();
app.Conventions.UseDefaultConventions();
app.Model.Shutdown = shutdown.Token;
Logger? logger = null;
// Level and format are global flags, so the logger is made once they are parsed, before any command runs.
app.OnParsingComplete(_ => app.Model.Logger = ProcessLogger());
try
{
    return app.Execute(args);
}
catch (CommandParsingException e)
{
    await Console.Error.WriteLineAsync($"clusterctl: {e.Message}; run '{e.Command.Name} --help' for usage");
    return ExitCodes.InvalidInput;
}
catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
{
    ProcessLogger().Warning("Interrupted; helpers and partial files were cleaned up");
    return ExitCodes.Interrupted;
}
catch (ClusterCtlException e)
{
    ProcessLogger().Fatal(app.Model.Debug ? e : null, "{Message:l}", e.Message);
    return e.ExitCode;
}
catch (Exception e)
{
    ProcessLogger().Fatal(app.Model.Debug ? e : null, "unexpected error: {Message:l} ({Type:l}){Hint:l}", e.Message, e.GetType().Name, app.Model.Debug ? "" : "; run with --debug for details");
    return ExitCodes.Failed;
}
finally
{
    if (logger is not null)
    {
        if (app.Model.Debug)
        {
            // What the benchmark's peak RSS is made of: managed heap against everything else.
            var gc = GC.GetGCMemoryInfo();
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            logger.Debug("Memory: peak working set {Peak} MB; GC heap {Heap} MB, committed {Committed} MB, {Gen2} gen2 collections",
                self.PeakWorkingSet64 >> 20, gc.HeapSizeBytes >> 20, gc.TotalCommittedBytes >> 20, GC.CollectionCount(2));
        }

        // Writes out whatever the console sink still holds before the process ends.
        await logger.DisposeAsync();
    }
}

// Made on first use. A failure before the flags were parsed still reaches stderr, with the default level and format.
Logger ProcessLogger() => logger ??= LoggerFactory.Create(app.Model.Debug, app.Model.Quiet, app.Model.Globals.LogFormat);
