namespace ClusterCtl.Services;

/// <summary>
/// Where <see cref="NodeFileReceiver"/> puts a file on a node, as its helper sees the paths: the file arrives as
/// <paramref name="PartialName"/> in <paramref name="Directory"/> and becomes <paramref name="FileName"/> only once checked.
/// </summary>
internal sealed record NodeFileTarget(string Directory, string PartialName, string FileName)
{
    /// <summary>The most the node accepts; a longer stream is cut off and removed. Null: no limit.</summary>
    public long? MaxBytes { get; init; }

    public ReadBackHash ReadBack { get; init; }

    /// <summary>The checksum cache written beside the committed file ("size mtime sha256"), if any.</summary>
    public string? ChecksumCacheName { get; init; }
}
