using System.Net.Http;

namespace ClusterCtl.Docker;

// Image endpoints: inspect and pull, and the "present or pull" rule every caller should use.
internal sealed partial class DockerClient
{
    /// <summary>Inspects an image by reference or id; null when the host does not have it.</summary>
    public async Task<ImageDetails?> InspectImageAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);

        // The route takes the reference with its slashes ("127.0.0.1:5999/none:1"); escape each segment, not the slashes.
        var escaped = string.Join('/', name.Split('/').Select(Escape));
        var path = await ApiPathAsync($"/images/{escaped}/json", cancellationToken);
        return await GetJsonOrNullAsync(path, DockerJsonContext.Default.ImageDetails, cancellationToken);
    }

    /// <summary>
    /// Pulls an image. Failures that happen after the daemon said 200 (unknown tag, refused credentials) arrive inside
    /// the answer and are thrown as <see cref="DockerApiException"/> too. <paramref name="progress"/> hears state
    /// changes ("abc123: Pull complete"), not progress bars. No time limit of its own: big images take long.
    /// </summary>
    public async Task PullImageAsync(string reference, RegistryAuth? auth, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var image = ImageReference.Parse(reference);
        var path = await ApiPathAsync($"/images/create?fromImage={Escape(image.Name)}&tag={Escape(image.PullTag)}", cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (auth is not null)
        {
            // The header carries the password: it is set here and never logged.
            request.Headers.Add("X-Registry-Auth", auth.ToHeaderValue());
        }

        _logger.Information("Pulling image {Image} on {Host} ({Credentials})",
            reference, Host, auth is null ? "anonymously" : $"as {auth.Username} on {auth.Server}");
        try
        {
            using var response = await SendAsync(request, null, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await PullStreamReader.ReadToEndAsync(body, Host, progress, cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new DockerException(Host, $"docker on {Host}: the pull of {reference} broke off: {e.Message}", e);
        }
        catch (DockerApiException e) when (e.IsAccessDenied)
        {
            throw new DockerException(Host, auth is null
                ? $"docker on {Host}: the registry refused {reference} without credentials ({e.DaemonMessage}); add the registry's url, user and password to private_registries in cluster.yml"
                : $"docker on {Host}: {auth.Server} refused {reference} for user {auth.Username} ({e.DaemonMessage}); check that user's password in private_registries in cluster.yml", e);
        }

        _logger.Information("Pulled image {Image} on {Host}", reference, Host);
    }

    /// <summary>
    /// Makes sure the host has the image, pulling only when it does not: an image that is present is never pulled
    /// (air-gapped hosts, pinned local images, registries that are down). Returns whether it pulled.
    /// </summary>
    public async Task<bool> EnsureImageAsync(string reference, RegistryAuth? auth, CancellationToken cancellationToken)
    {
        if (await InspectImageAsync(reference, cancellationToken) is not null)
        {
            _logger.Debug("Image {Image} is present on {Host}", reference, Host);
            return false;
        }

        await PullImageAsync(reference, auth, progress: null, cancellationToken);
        if (await InspectImageAsync(reference, cancellationToken) is null)
        {
            throw new DockerException(Host, $"docker on {Host} finished pulling {reference} but does not list the image afterwards");
        }

        return true;
    }
}
