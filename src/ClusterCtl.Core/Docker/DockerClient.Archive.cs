using System.Net.Http;
using System.Runtime.ExceptionServices;

namespace ClusterCtl.Docker;

// Archive endpoints: files in and out of a container as tar streams, never held in memory.
internal sealed partial class DockerClient
{
    private const string TarMediaType = "application/x-tar";

    /// <summary>
    /// A tar stream of <paramref name="path"/> inside the container (a file gives a one-entry tar named after it).
    /// The body is streamed as it arrives; the caller must dispose the stream, which also frees the connection.
    /// </summary>
    public async Task<Stream> GetArchiveAsync(string containerId, string path, CancellationToken cancellationToken)
    {
        var apiPath = await ApiPathAsync($"/containers/{Escape(containerId)}/archive?path={Escape(path)}", cancellationToken);
        HttpResponseMessage response;
        using (var request = new HttpRequestMessage(HttpMethod.Get, apiPath))
        {
            response = await SendAsync(request, null, cancellationToken);
        }

        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new DockerResponseStream(response, body, Host, $"archive of {path} in container {ShortId(containerId)}");
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Extracts a tar stream into <paramref name="destinationDirectory"/> (which must exist) inside the container.
    /// The stream is sent as it is read (with its length when it is seekable, chunked otherwise) and is not disposed.
    /// </summary>
    public Task PutArchiveAsync(string containerId, string destinationDirectory, Stream tarStream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tarStream);
        long? length = tarStream.CanSeek ? tarStream.Length - tarStream.Position : null;
        return PutArchiveContentAsync(
            containerId,
            destinationDirectory,
            new StreamingHttpContent((output, ct) => tarStream.CopyToAsync(output, ct), TarMediaType, length),
            cancellationToken);
    }

    /// <summary>
    /// Extracts a tar that <paramref name="writeTarAsync"/> writes straight into the request body (e.g. with
    /// <see cref="TarStreams.WriteSingleFileAsync"/>), so a file can be sent without an intermediate pipe or buffer.
    /// </summary>
    public Task PutArchiveAsync(
        string containerId, string destinationDirectory, Func<Stream, CancellationToken, Task> writeTarAsync, CancellationToken cancellationToken) =>
        PutArchiveContentAsync(containerId, destinationDirectory, new StreamingHttpContent(writeTarAsync, TarMediaType), cancellationToken);

    private async Task PutArchiveContentAsync(
        string containerId, string destinationDirectory, HttpContent content, CancellationToken cancellationToken)
    {
        using (content)
        {
            var apiPath = await ApiPathAsync(
                $"/containers/{Escape(containerId)}/archive?path={Escape(destinationDirectory)}", cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Put, apiPath) { Content = content };
            try
            {
                using var response = await SendAsync(request, null, cancellationToken);
            }
            catch (DockerException) when (content is StreamingHttpContent { ProducerFailure: { } producerFailure })
            {
                // Our side failed to produce the tar (e.g. the source ended early): report that, not "docker failed".
                ExceptionDispatchInfo.Capture(producerFailure).Throw();
                throw;
            }

            _logger.Debug("Put an archive into {Directory} of container {Container} on {Host}", destinationDirectory, ShortId(containerId), Host);
        }
    }
}
