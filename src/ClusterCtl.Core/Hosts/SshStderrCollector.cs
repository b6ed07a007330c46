using System.Text;

namespace ClusterCtl.Hosts;

/// <summary>
/// Reads a running ssh's stderr line by line: hands each line to a callback (for logging) and
/// keeps the most recent ones, so a failure can be classified from ssh's own words.
/// </summary>
internal sealed class SshStderrCollector
{
    private const int MaxLines = 200;
    private readonly Queue<string> _lines = new();
    private readonly Action<string> _onLine;
    private TaskCompletionSource _lineArrived = NewSignal();

    public SshStderrCollector(TextReader stderr, Action<string> onLine)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        _onLine = onLine;
        Completion = Task.Run(() => PumpAsync(stderr));
    }

    /// <summary>Completes when ssh (and any ProxyCommand child holding the pipe) has closed stderr.</summary>
    public Task Completion { get; }

    public string Text
    {
        get
        {
            lock (_lines)
            {
                var text = new StringBuilder();
                foreach (var line in _lines)
                {
                    text.Append(line).Append('\n');
                }

                return text.ToString();
            }
        }
    }

    /// <summary>Waits until a line matching <paramref name="predicate"/> has arrived, stderr closes, or the time is up.</summary>
    public async Task<bool> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            Task signal;
            lock (_lines)
            {
                if (_lines.Any(predicate))
                {
                    return true;
                }

                signal = _lineArrived.Task;
            }

            if (Completion.IsCompleted)
            {
                return false;
            }

            try
            {
                await Task.WhenAny(signal, Completion).WaitAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    /// <summary>Waits for stderr to close, but not forever: a stuck ProxyCommand child may hold the pipe open.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        try
        {
            await Completion.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // Classify with what we have.
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task PumpAsync(TextReader stderr)
    {
        try
        {
            while (await stderr.ReadLineAsync() is { } line)
            {
                TaskCompletionSource arrived;
                lock (_lines)
                {
                    _lines.Enqueue(line);
                    if (_lines.Count > MaxLines)
                    {
                        _lines.Dequeue();
                    }

                    arrived = _lineArrived;
                    _lineArrived = NewSignal();
                }

                arrived.TrySetResult();
                if (line.Length > 0)
                {
                    _onLine(line);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe went away with the process: nothing more to read.
        }
    }
}
