using System.Net;
using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

// Image endpoints: inspect and pull, and the "present or pull" rule every caller should use.
internal sealed partial class DockerClient
{
    /// <summary>Inspects an image by reference or id; null when the host does not have it.</summary>
    public async Task<ImageDetails?> InspectImageAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            var image = await CallAsync($"inspect image {name}", (api, ct) => api.Images.InspectImageAsync(name, ct), cancellationToken);
            return ImageDetails.From(image);
        }
        catch (DockerApiException e) when (IsNotFound(e))
        {
            return null;
        }
    }

    /// <summary>
    /// Pulls an image. Failures that happen after the daemon said 200 (unknown tag, refused credentials) arrive inside
    /// the answer and are thrown as <see cref="DockerApiException"/> too. <paramref name="progress"/> hears state
    /// changes ("abc123: Pull complete"), not progress bars. No time limit of its own: big images take long.
    /// </summary>
    public async Task PullImageAsync(string reference, RegistryAuth? auth, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var image = ImageReference.Parse(reference);
        var parameters = new Api.Models.ImagesCreateParameters { FromImage = image.Name, Tag = image.PullTag };
        // The credentials travel in the X-Registry-Auth header, which the library encodes and nothing logs.
        var credentials = auth is null ? null : new Api.Models.AuthConfig { Username = auth.Username, Password = auth.Password, ServerAddress = auth.Server };
        var messages = new PullMessages(progress);

        _logger.Information("Pulling image {Image} on {Host} ({Credentials})",
            reference, Host, auth is null ? "anonymously" : $"as {auth.Username} on {auth.Server}");
        try
        {
            await StreamingCallAsync($"the pull of {reference}", async (api, ct) =>
            {
                await api.Images.CreateImageAsync(parameters, credentials, messages, ct);
                return true;
            }, cancellationToken);

            // The daemon commits to HTTP 200 before it contacts the registry, so a failed pull is a message in the answer.
            if (messages.Error is { } error)
            {
                throw new DockerApiException(Host, HttpStatusCode.OK, error);
            }
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

    /// <summary>
    /// Hears the pull's messages as they are read (synchronously, unlike <see cref="Progress{T}"/>, so that the first
    /// error is known when the pull returns), keeps that error and passes state changes on.
    /// </summary>
    private sealed class PullMessages(IProgress<string>? progress) : IProgress<Api.Models.JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(Api.Models.JSONMessage value)
        {
            if (value.Error?.Message is { } message && !string.IsNullOrWhiteSpace(message))
            {
                Error ??= message.Trim();
            }
            // Progress bars ("Downloading [==> ]") repeat many times a second; report only state changes.
            else if (progress is not null && value.Status is { } status && value.Progress is null)
            {
                progress.Report(value.ID is null ? status : $"{value.ID}: {status}");
            }
        }
    }
}
