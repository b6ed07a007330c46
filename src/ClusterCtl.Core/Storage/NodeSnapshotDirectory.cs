using System.Globalization;
using ClusterCtl.Config;
using ClusterCtl.Docker;
using ClusterCtl.Hosts;
using ClusterCtl.Logging;
using ClusterCtl.Services;
using Serilog;

namespace ClusterCtl.Storage;

/// <summary>
/// The snapshot directory of one node (<c>&lt;prefix&gt;/opt/rke/etcd-snapshots</c>), worked on through short helper
/// containers that mount it at /backup. Files arrive under a dot-prefixed <c>.partial</c> name and are renamed into
/// place only after a read-back check on the node, so a reader never sees half a snapshot.
/// Each committed file gets a small checksum cache (<c>.&lt;file&gt;.sha256</c>: size, mtime, hash) so that listing
/// does not re-read gigabytes; a file whose size or mtime changed since (say, edited by hand) is hashed again.
/// </summary>
internal sealed class NodeSnapshotDirectory(NodeSession node, ClusterConfig config)
{
    public string Host => node.Host;

    public static string PartialName(string fileName) => "." + fileName + SnapshotName.PartialSuffix;

    /// <summary>
    /// Streams <paramref name="source"/> into the partial file; the node reads it back and, when its MD5 is the one
    /// <paramref name="expected"/> gives, makes it 0600, renames it into place and records its SHA-256 in the checksum
    /// cache; returns that SHA-256. A mismatch removes the partial file and throws; a full disk throws naming the node
    /// and its free space.
    /// </summary>
    public async Task<string> ReceiveAsync(string fileName, Stream source, Task<ExpectedDigest> expected, CancellationToken cancellationToken)
    {
        var target = new NodeFileTarget(NodeHelperSpecs.SnapshotDirectoryInContainer, PartialName(fileName), fileName)
        {
            ReadBack = ReadBackHash.Md5,
            ChecksumCacheName = CacheName(fileName),
        };
        var receipt = await new NodeFileReceiver(node.Docker, node.Helpers).ReceiveAsync(
            script => Shell("snapshot-receive", script),
            target,
            source,
            expected,
            cancellationToken);
        switch (receipt.Outcome)
        {
            case NodeFileReceipt.Result.Committed:
                return receipt.Sha256;
            case NodeFileReceipt.Result.Mismatch:
                throw new ClusterCtlException($"{Host}: the copy of {fileName} does not verify ({receipt.Problem ?? "no message"}); it was removed");
            default:
                var free = await FreeBytesAsync(cancellationToken);
                throw new ClusterCtlException(
                    $"{Host}: writing {fileName} failed ({receipt.Problem ?? "no message"}); {(free is { } f ? $"{f / (1024 * 1024)} MiB free" : "free space unknown")} in {config.SnapshotDirectory}");
        }
    }

    /// <summary>Removes what a failed or interrupted write may have left. Never throws: it runs during cleanup.</summary>
    public async Task RemovePartialAsync(string fileName, ILogger logger)
    {
        if (await node.Helpers.TryCleanUpAsync(Shell("snapshot-cleanup", SnapshotDirectoryScripts.RemoveFiles([PartialName(fileName)]))) is { } problem)
        {
            // The next cleanup or save removes it; say so rather than hide it.
            logger.ForScope("snapshot").Warning("{Host}: could not remove {File}: {Error}", Host, PartialName(fileName), problem);
        }
    }

    /// <summary>Removes a snapshot in both its forms (<c>name.zip</c> and a raw <c>name</c>) with their checksum caches and drill marks.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var zip = SnapshotName.FileName(name);
        var files = new[] { zip, CacheName(zip), VerifiedMarkName(zip), name, CacheName(name), VerifiedMarkName(name) };
        await node.Helpers.RunAndRequireSuccessAsync(Shell("snapshot-delete", SnapshotDirectoryScripts.RemoveFiles(files)), cancellationToken);
    }

    /// <summary>
    /// Records that a restore drill verified the file with this SHA-256 at <paramref name="at"/>. The listing trusts the
    /// mark only while the file still has that hash, so a snapshot replaced under the same name is not verified.
    /// </summary>
    public async Task MarkVerifiedAsync(string fileName, string sha256, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await node.Helpers.RunAndRequireSuccessAsync(Shell("verify-mark", SnapshotDirectoryScripts.MarkVerified(fileName, sha256, at)), cancellationToken);
    }

    /// <summary>Every snapshot-like file (zips and raw dbs), with hashes; dot files and partials are not snapshots.</summary>
    public Task<IReadOnlyList<NodeSnapshotFile>> ListAsync(CancellationToken cancellationToken) => ListMatchingAsync(null, cancellationToken);

    /// <summary>
    /// The files of one snapshot (<c>name.zip</c> and a raw <c>name</c>), with hashes and the db's real size. Only these
    /// are hashed: a file without a checksum cache (RKE's, a raw db) costs a full read, which a restore should pay for its
    /// snapshot only. A zip's db size comes from its central directory, read from the zip's last bytes.
    /// </summary>
    public Task<IReadOnlyList<NodeSnapshotFile>> ListAsync(string name, CancellationToken cancellationToken) =>
        ListMatchingAsync(SnapshotName.Validate(name), cancellationToken);

    /// <summary>Whether the node holds the snapshot in either form, without hashing anything: the check before a save.</summary>
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        var result = await node.Helpers.RunAndRequireSuccessAsync(
            Shell("snapshot-exists", SnapshotDirectoryScripts.Exists(SnapshotName.Validate(name)), readOnly: true),
            cancellationToken);
        return result.Stdout.Contains(SnapshotDirectoryScripts.FoundMarker, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<NodeSnapshotFile>> ListMatchingAsync(string? name, CancellationToken cancellationToken)
    {
        var result = await node.Helpers.RunAndRequireSuccessAsync(Shell("snapshot-list", SnapshotDirectoryScripts.List(name), readOnly: true), cancellationToken);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(ParseListingLine)
            .OfType<NodeSnapshotFile>()
            .ToList();
    }

    /// <summary>One line of the listing script: <c>size mtime sha256 file manifest-base64 tail-base64 verified-at</c>; null when it is not exactly that.</summary>
    internal static NodeSnapshotFile? ParseListingLine(string line)
    {
        var fields = line.Split(' ');
        if (fields.Length != 7
            || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var modified)
            || fields[2].Length != 64 || !fields[2].All(char.IsAsciiHexDigit)
            || SnapshotName.FromFileName(fields[3]) is null)
        {
            return null;
        }

        var fileName = fields[3];
        var manifest = TryParseManifest(Base64OrEmpty(fields[4]));
        var isZip = fileName.EndsWith(SnapshotName.ZipExtension, StringComparison.OrdinalIgnoreCase);
        var dbSize = isZip
            ? ZipCentralDirectory.DbSize(ZipCentralDirectory.TryRead(Base64OrEmpty(fields[5]), size)) ?? manifest?.DbSize
            : size;
        var verifiedAt = long.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var verified) && verified <= 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(verified)
            : (DateTimeOffset?)null;
        return new NodeSnapshotFile(fileName, size, DateTimeOffset.FromUnixTimeSeconds(Math.Min(modified, 253402300799)), fields[2], manifest, dbSize, verifiedAt);
    }

    private static byte[] Base64OrEmpty(string field)
    {
        var bytes = new byte[field.Length];
        return field != "-" && Convert.TryFromBase64String(field, bytes, out var length) ? bytes[..length] : [];
    }

    public async Task<long?> FreeBytesAsync(CancellationToken cancellationToken)
    {
        var result = await node.Helpers.RunAsync(Shell("disk-free", SnapshotDirectoryScripts.FreeSpace(), readOnly: true), cancellationToken);
        return result.Succeeded ? FreeSpace.ParseDfOutput(result.Stdout) : null;
    }

    private static SnapshotManifest? TryParseManifest(byte[] json)
    {
        try
        {
            return json.Length is 0 or > SnapshotManifest.MaxJsonBytes ? null : SnapshotManifest.FromJson(json);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    public static string CacheName(string fileName) => "." + fileName + ".sha256";

    /// <summary>The drill's mark beside a snapshot file: "&lt;unix time&gt; &lt;sha256&gt;".</summary>
    public static string VerifiedMarkName(string fileName) => "." + fileName + ".verified";

    private HelperSpec Shell(string purpose, HelperScript script, bool readOnly = false) =>
        NodeHelperSpecs.SnapshotShell(config, purpose, script, readOnly);
}
