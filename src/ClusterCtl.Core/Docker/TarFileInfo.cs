namespace ClusterCtl.Docker;

/// <summary>The one regular file found in a tar stream.</summary>
internal sealed record TarFileInfo(string Name, long Length, UnixFileMode Mode);
