using System.Diagnostics;
using System.Globalization;
using ClusterCtl.Etcd;
using Serilog;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// Shows a long transfer's progress: bytes, rate and ETA. On a terminal, one line on stderr rewritten in place;
/// otherwise (CI logs, files) a log line every few seconds, so that logs stay readable.
/// </summary>
internal sealed class TransferProgressReporter(ILogger logger, bool quiet) : IProgress<TransferProgress>, IDisposable
{
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private TimeSpan _last = TimeSpan.Zero;
    private bool _shown;
    private bool _drawn;

    public void Report(TransferProgress value)
    {
        if (quiet)
        {
            return;
        }

        lock (_gate)
        {
            var now = _clock.Elapsed;
            // Small transfers finish before the first interval and print nothing; a long one always shows its end.
            var finished = value.Done >= value.Total && value.Total > 0;
            if (now - _last < (_terminal ? TerminalInterval : LogInterval) && !(finished && _shown))
            {
                return;
            }

            _last = now;
            _shown = !finished;
            var rate = now.TotalSeconds > 0 ? value.Done / now.TotalSeconds : 0;
            var eta = rate > 0 && value.Total > value.Done ? TimeSpan.FromSeconds((value.Total - value.Done) / rate) : TimeSpan.Zero;
            var percent = value.Total > 0 ? 100.0 * value.Done / value.Total : 0;
            var text = string.Create(CultureInfo.InvariantCulture,
                $"[{value.What}] {ByteSize.Format(value.Done)} of {ByteSize.Format(value.Total)} ({percent:0}%), {ByteSize.Format((long)rate)}/s, ETA {eta:mm\\:ss}");
            if (_terminal)
            {
                Console.Error.Write("\r" + text.PadRight(Console.WindowWidth > 1 ? Console.WindowWidth - 1 : 100));
                // A finished transfer ends its line, so that what is logged next starts on a line of its own.
                _drawn = !finished;
                if (finished)
                {
                    Console.Error.WriteLine();
                }
            }
            else
            {
                logger.Information("{Progress}", text);
            }
        }
    }

    /// <summary>Ends a line left unfinished by a transfer that stopped part-way.</summary>
    public void Dispose()
    {
        if (_drawn)
        {
            Console.Error.WriteLine();
        }
    }
}
