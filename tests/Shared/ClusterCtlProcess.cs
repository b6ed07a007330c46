using System.Diagnostics;

namespace ClusterCtl.Testing;

/// <summary>
/// A long-running clusterctl (a service such as snapshot-schedule): its stderr is collected line by line so a test
/// can wait for a log line, send it a signal, and wait for it to exit. Every wait is bounded.
/// </summary>
internal sealed class ClusterCtlProcess : IAsyncDisposable
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Task _stderr;
    private readonly Task<string> _stdout;

    private ClusterCtlProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_lines)
                {
                    _lines.Add(line);
                }
            }
        });
    }

    public int Id => _process.Id;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public static ClusterCtlProcess Start(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(ClusterCtlRunner.ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return new ClusterCtlProcess(process);
    }

    /// <summary>Waits until at least <paramref name="count"/> stderr lines match; throws with the log so far when it takes too long.</summary>
    public async Task<IReadOnlyList<string>> WaitForLinesAsync(Func<string, bool> match, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var matching = Lines.Where(match).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            if (clock.Elapsed > timeout || _process.HasExited)
            {
                throw new TimeoutException(
                    $"{matching.Count} of {count} expected log lines after {clock.Elapsed.TotalSeconds:0}s (exited: {_process.HasExited})\n{string.Join('\n', Lines)}");
            }

            await Task.Delay(100);
        }
    }

    public Task<IReadOnlyList<string>> WaitForLinesAsync(string contains, int count, TimeSpan timeout) =>
        WaitForLinesAsync(l => l.Contains(contains, StringComparison.Ordinal), count, timeout);

    public void Signal(int signal)
    {
        if (ClusterCtlRunner.SendSignal(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
        }
    }

    public async Task<CliResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"clusterctl did not exit within {timeout.TotalSeconds:0}s\n{string.Join('\n', Lines)}");
        }

        await _stderr;
        return new CliResult(_process.ExitCode, await _stdout, string.Join('\n', Lines));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
