using System.Runtime.InteropServices;
using ClusterCtl;
using ClusterCtl.Cli.Commands;
using ClusterCtl.Cli.Logging;
using McMaster.Extensions.CommandLineUtils;
using Serilog;

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

var debug = args.Contains("--debug");
// Until a command has parsed its flags, errors still need a logger to reach stderr.
Log.Logger = LoggerFactory.Create(debug, quiet: false, args.Contains("json") ? LogFormat.Json : LogFormat.Text);
using var app = new CommandLineApplication<ClusterCtlCommand>();
app.Conventions.UseDefaultConventions();
app.Model.Shutdown = shutdown.Token;
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
    Log.Warning("Interrupted; helpers and partial files were cleaned up");
    return ExitCodes.Interrupted;
}
catch (ClusterCtlException e)
{
    Log.Fatal(debug ? e : null, "{Message:l}", e.Message);
    return e.ExitCode;
}
catch (Exception e)
{
    Log.Fatal(debug ? e : null, "unexpected error: {Message:l} ({Type:l}){Hint:l}", e.Message, e.GetType().Name, debug ? "" : "; run with --debug for details");
    return ExitCodes.Failed;
}
finally
{
    if (debug)
    {
        // What the benchmark's peak RSS is made of: managed heap against everything else.
        var gc = GC.GetGCMemoryInfo();
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        Log.Debug("Memory: peak working set {Peak} MB; GC heap {Heap} MB, committed {Committed} MB, {Gen2} gen2 collections",
            self.PeakWorkingSet64 >> 20, gc.HeapSizeBytes >> 20, gc.TotalCommittedBytes >> 20, GC.CollectionCount(2));
    }

    await Log.CloseAndFlushAsync();
}
