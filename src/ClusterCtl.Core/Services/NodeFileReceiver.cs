using System.Globalization;
using System.Text;
using ClusterCtl.Docker;

namespace ClusterCtl.Services;

/// <summary>
/// The one way a file is put on a node: streamed into one helper's stdin under a partial name, read back there and
/// renamed into place only when it is what the sender sent (<c>Scripts/receive-file.sh</c>). Its length need not be
/// known up front. The digest the read-back is compared with is computed by the sender in the same pass, so it is
/// known only once the stream has ended: it reaches the waiting helper as a small file through the archive endpoint,
/// and no second container is needed. What a failed receive leaves is the caller's to remove: it knows the directory.
/// </summary>
internal sealed class NodeFileReceiver(DockerClient docker, HelperContainerRunner helpers)
{
    /// <summary>Where the receiving helper waits for the expected digest ("&lt;digest&gt; &lt;sha256&gt;").</summary>
    public const string ExpectedDigestPath = "/tmp/clusterctl-expected";

    public const int MismatchExitCode = 3;

    public const int TooLongExitCode = 5;

    // Large writes: each one is a round of the attach connection's send loop.
    private const int CopyBufferSize = 1024 * 1024;

    // Of 50 ms: one minute for the sender to finish its digest after the last byte.
    private const int ExpectedWaitTicks = 1200;

    /// <summary>Receives <paramref name="source"/>, read to its end, into <paramref name="target"/>.</summary>
    public Task<NodeFileReceipt> ReceiveAsync(
        Func<HelperScript, HelperSpec> shell, NodeFileTarget target, Stream source, Task<ExpectedDigest>? expected, CancellationToken cancellationToken) =>
        ReceiveAsync(shell, target, (stdin, ct) => source.CopyToAsync(stdin, CopyBufferSize, ct), expected, cancellationToken);

    /// <summary>
    /// Receives what <paramref name="write"/> writes into <paramref name="target"/>. With a read-back,
    /// <paramref name="expected"/> must complete once the writing is done; if it fails instead, so does the receive.
    /// </summary>
    /// <param name="shell">Makes the helper that runs the script, with <see cref="NodeFileTarget.Directory"/> mounted.</param>
    public async Task<NodeFileReceipt> ReceiveAsync(
        Func<HelperScript, HelperSpec> shell, NodeFileTarget target, Func<Stream, CancellationToken, Task> write,
        Task<ExpectedDigest>? expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shell);
        ArgumentNullException.ThrowIfNull(target);
        if (target.ReadBack != ReadBackHash.None && expected is null)
        {
            throw new ArgumentException("a read-back needs the expected digest", nameof(expected));
        }

        var result = await helpers.RunWithStdinAsync(
            shell(Script(target)),
            write,
            cancellationToken,
            target.ReadBack == ReadBackHash.None ? null : (container, ct) => PutExpectedAsync(container, expected!, ct));
        var outcome = result.ExitCode switch
        {
            0 => NodeFileReceipt.Result.Committed,
            MismatchExitCode => NodeFileReceipt.Result.Mismatch,
            TooLongExitCode => NodeFileReceipt.Result.TooLong,
            _ => NodeFileReceipt.Result.Failed,
        };
        return new NodeFileReceipt(outcome, result.Stdout.Trim(), result.LastErrorLine);
    }

    public static HelperScript Script(NodeFileTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return HelperScript.FromResource("receive-file.sh",
        [
            ("DIR", target.Directory),
            ("PARTIAL", target.PartialName),
            ("FILE", target.FileName),
            ("MAX_BYTES", target.MaxBytes?.ToString(CultureInfo.InvariantCulture) ?? ""),
            ("HASH", target.ReadBack switch { ReadBackHash.Md5 => "md5sum", ReadBackHash.Sha256 => "sha256sum", _ => "" }),
            ("EXPECTED", ExpectedDigestPath),
            ("WAIT_TICKS", ExpectedWaitTicks.ToString(CultureInfo.InvariantCulture)),
            ("CACHE", target.ChecksumCacheName ?? ""),
            ("MISMATCH_EXIT", MismatchExitCode.ToString(CultureInfo.InvariantCulture)),
            ("TOO_LONG_EXIT", TooLongExitCode.ToString(CultureInfo.InvariantCulture)),
        ]);
    }

    private async Task PutExpectedAsync(string container, Task<ExpectedDigest> expected, CancellationToken cancellationToken)
    {
        var digest = await expected.WaitAsync(cancellationToken);
        var content = Encoding.ASCII.GetBytes($"{digest.ReadBack} {digest.Sha256}\n");
        using var tar = new MemoryStream();
        await TarStreams.WriteSingleFileAsync(tar, Path.GetFileName(ExpectedDigestPath), new MemoryStream(content), content.Length, UnixFileMode.UserRead, cancellationToken);
        tar.Position = 0;
        await docker.PutArchiveAsync(container, Path.GetDirectoryName(ExpectedDigestPath)!, tar, cancellationToken);
    }
}
