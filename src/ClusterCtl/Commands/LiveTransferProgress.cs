using ClusterCtl.Etcd;
using Spectre.Console;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// Spectre.Console's live progress display on a terminal: one row per transfer with its bar, size, speed and time left.
/// The display runs while any transfer is unfinished, so a finished bar stays in the scrollback where it happened and
/// later log lines follow it. Log lines written meanwhile must go through the same console (see
/// <see cref="Logging.AnsiConsoleLogSink"/>): Spectre then draws them above the display instead of into it.
/// </summary>
internal sealed class LiveTransferProgress(IAnsiConsole console, TimeProvider time) : ITransferProgressDisplay
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ProgressTask> _tasks = [];
    private RunningDisplay? _display;
    private Task _ended = Task.CompletedTask;

    public void Report(TransferProgress value)
    {
        lock (_gate)
        {
            var task = TaskFor(value);
            if (task.IsIndeterminate)
            {
                // No size to finish at: the row stays open until the display ends.
                task.MaxValue = Math.Max(task.MaxValue, value.Done + 1);
            }

            task.Value = value.Done;
            if (task.IsFinished && _tasks.Values.All(t => t.IsFinished) && _display is { } display)
            {
                _ended = display.StopAsync();
                _display = null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task ending;
        lock (_gate)
        {
            ending = _display?.StopAsync() ?? _ended;
            _display = null;
        }

        await ending;
    }

    // A transfer that starts over (the next copy of a snapshot, under the same name) gets a row of its own:
    // the old one keeps showing how far the failed attempt got. Reports after the end (a last empty read) change nothing.
    private ProgressTask TaskFor(TransferProgress value)
    {
        if (_tasks.TryGetValue(value.What, out var task) && value.Done >= task.Value)
        {
            return task;
        }

        task?.StopTask();
        task = Display().AddTask(Markup.Escape(value.What), autoStart: true, maxValue: Math.Max(value.Total, 1));
        task.IsIndeterminate = value.Total <= 0;
        _tasks[value.What] = task;
        return task;
    }

    private ProgressContext Display()
    {
        if (_display is null)
        {
            // Spectre runs one live display per console at a time: the previous one must have let go of it.
            _ended.GetAwaiter().GetResult();
            _tasks.Clear();
            _display = RunningDisplay.Start(console, time);
        }

        return _display.Context;
    }

    /// <summary>A Spectre progress display kept open until told to stop, since Spectre scopes it to a callback.</summary>
    private sealed class RunningDisplay
    {
        private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task _run = Task.CompletedTask;

        public ProgressContext Context { get; private set; } = null!;

        public static RunningDisplay Start(IAnsiConsole console, TimeProvider time)
        {
            var display = new RunningDisplay();
            var opened = new TaskCompletionSource<ProgressContext>();
            display._run = new Progress(console, time)
                .AutoClear(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    // Narrower than Spectre's 40: a row with a full snapshot name then fits in about 110 columns (narrower
                    // terminals wrap its size and speed onto a second row, which Spectre still redraws cleanly).
                    new ProgressBarColumn { Width = 20 },
                    new PercentageColumn(),
                    new DownloadedColumn(),
                    new TransferSpeedColumn(),
                    new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    opened.TrySetResult(context);
                    await display._stop.Task;
                });
            // Spectre calls back before its first await, so this does not block. A display that could not start
            // (another one still holds the console) ends without calling back: its exception is thrown here.
            Task.WaitAny(opened.Task, display._run);
            if (!opened.Task.IsCompleted)
            {
                display._run.GetAwaiter().GetResult();
                throw new InvalidOperationException("the progress display ended before it started");
            }

            display.Context = opened.Task.GetAwaiter().GetResult();
            return display;
        }

        public Task StopAsync()
        {
            _stop.TrySetResult();
            return _run;
        }
    }
}
