namespace ClusterCtl.Docker;

// Archive endpoints: files in and out of a container as tar streams, never held in memory.
internal sealed partial class DockerClient
{
    /// <summary>
    /// A tar stream of <paramref name="path"/> inside the container (a file gives a one-entry tar named after it).
    /// The body is streamed as it arrives; the caller must dispose the stream, which also frees the connection.
    /// </summary>
    public Task<Stream> GetArchiveAsync(string containerId, string path, CancellationToken cancellationToken) =>
        StreamingCallAsync($"archive of {path} in container {ShortId(containerId)}", async (api, ct) =>
        {
            var archive = await api.Containers.GetArchiveFromContainerAsync(containerId, new() { Path = path }, statOnly: false, ct);
            return archive.Stream ?? throw new DockerException(Host, $"docker on {Host} sent no archive of {path} in container {ShortId(containerId)}");
        }, cancellationToken);

    /// <summary>
    /// Extracts a tar stream into <paramref name="destinationDirectory"/> (which must exist) inside the container.
    /// The stream is sent as it is read (with its length when it is seekable, chunked otherwise) and is not disposed.
    /// </summary>
    public async Task PutArchiveAsync(string containerId, string destinationDirectory, Stream tarStream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tarStream);
        await StreamingCallAsync($"put an archive into {destinationDirectory} of container {ShortId(containerId)}", async (api, ct) =>
        {
            await api.Containers.ExtractArchiveToContainerAsync(containerId, new() { Path = destinationDirectory }, tarStream, ct);
            return true;
        }, cancellationToken);
        _logger.Debug("Put an archive into {Directory} of container {Container} on {Host}", destinationDirectory, ShortId(containerId), Host);
    }
}
