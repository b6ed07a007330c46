using System.Runtime.InteropServices;
using ClusterCtl;
using ClusterCtl.Cli.Commands;
using McMaster.Extensions.CommandLineUtils;

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

await using var context = new CliContext(shutdown.Token);
using var app = new CliApplication(context);
try
{
    return app.Run(args);
}
catch (CommandParsingException e)
{
    return CliApplication.UsageError(e.Command, e.Message);
}
catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
{
    context.Logger.Warning("Interrupted; helpers and partial files were cleaned up");
    return ExitCodes.Interrupted;
}
catch (ClusterCtlException e)
{
    context.Logger.Fatal(context.Globals.Debug ? e : null, "{Message:l}", e.Message);
    return e.ExitCode;
}
catch (Exception e)
{
    var debug = context.Globals.Debug;
    context.Logger.Fatal(debug ? e : null, "unexpected error: {Message:l} ({Type:l}){Hint:l}", e.Message, e.GetType().Name, debug ? "" : "; run with --debug for details");
    return ExitCodes.Failed;
}
finally
{
    if (context.HasLogger && context.Globals.Debug)
    {
        // What the benchmark's peak RSS is made of: managed heap against everything else.
        var gc = GC.GetGCMemoryInfo();
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        context.Logger.Debug("Memory: peak working set {Peak} MB; GC heap {Heap} MB, committed {Committed} MB, {Gen2} gen2 collections",
            self.PeakWorkingSet64 >> 20, gc.HeapSizeBytes >> 20, gc.TotalCommittedBytes >> 20, GC.CollectionCount(2));
    }
}
