using System.Globalization;
using ClusterCtl.Etcd;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// The text of one plain progress line, <c>[what] 12.0 MiB of 256 MiB (5%), 40 MiB/s, ETA 00:06</c>.
/// Logs and scripts grep this shape, so it stays as it is.
/// </summary>
internal static class TransferProgressLine
{
    /// <param name="value">How far the transfer is.</param>
    /// <param name="elapsed">Time since the display was made; the rate is the average over it.</param>
    public static string Format(TransferProgress value, TimeSpan elapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? value.Done / elapsed.TotalSeconds : 0;
        var eta = rate > 0 && value.Total > value.Done ? TimeSpan.FromSeconds((value.Total - value.Done) / rate) : TimeSpan.Zero;
        var percent = value.Total > 0 ? 100.0 * value.Done / value.Total : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"[{value.What}] {ByteSize.Format(value.Done)} of {ByteSize.Format(value.Total)} ({percent:0}%), {ByteSize.Format((long)rate)}/s, ETA {eta:mm\\:ss}");
    }
}
