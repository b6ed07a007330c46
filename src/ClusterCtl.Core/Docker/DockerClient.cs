using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Docker.DotNet.NativeHttp;
using Serilog;
using Api = Docker.DotNet;

namespace ClusterCtl.Docker;

/// <summary>
/// One host's Docker Engine API, spoken through Docker.DotNet over the host's docker socket as forwarded to a local
/// unix socket by SSH. What this layer adds to the library: the API version negotiation, a time budget per short call,
/// and errors that name the host (a run talks to many) and say what to do. The endpoints live in the other
/// DockerClient.*.cs files.
/// </summary>
internal sealed partial class DockerClient : IDisposable
{
    /// <summary>Docker 19.03. Older daemons lack the wait conditions and archive behaviour we rely on.</summary>
    public static readonly Version MinimumApiVersion = new(1, 40);

    /// <summary>The newest API whose shapes this client was written against; newer daemons are spoken to at this level.</summary>
    public static readonly Version MaximumApiVersion = new(1, 43);

    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Per stream, the most container output kept in memory (the newest bytes win).</summary>
    public const int LogCaptureLimit = 1024 * 1024;

    // The host part is never resolved: every connection goes to the forwarded socket.
    private static readonly Uri Endpoint = new("http://docker");

    private readonly ILogger _logger;
    private Api.DockerClient? _api;
    private Version? _apiVersion;

    /// <param name="socketPath">The local unix socket that reaches the host's dockerd.</param>
    /// <param name="host">How the host is named in messages, e.g. "10.213.0.11".</param>
    /// <param name="logger">Where requests are logged at Debug; secrets never reach it.</param>
    /// <param name="requestTimeout">The budget of each short call; streaming calls (wait, logs, pull, archive) have none.</param>
    public DockerClient(string socketPath, string host, ILogger? logger = null, TimeSpan? requestTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        ArgumentException.ThrowIfNullOrEmpty(host);
        SocketPath = socketPath;
        Host = host;
        RequestTimeout = requestTimeout ?? DefaultRequestTimeout;
        _logger = logger ?? Serilog.Core.Logger.None;
    }

    public string Host { get; }

    public string SocketPath { get; }

    public TimeSpan RequestTimeout { get; }

    /// <summary>--ignore-docker-version: talk to a daemon older than <see cref="MinimumApiVersion"/> at its own API version.</summary>
    public bool AllowOlderApi { get; init; }

    /// <summary>The negotiated API version, used in every path (/v1.41/...); null until <see cref="NegotiateAsync"/> ran.</summary>
    public Version? ApiVersion => _apiVersion;

    /// <summary>Creates a client and negotiates the API version, so that an unusable daemon fails here and clearly.</summary>
    public static async Task<DockerClient> ConnectAsync(string socketPath, string host, ILogger? logger, CancellationToken cancellationToken)
    {
        var client = new DockerClient(socketPath, host, logger);
        try
        {
            await client.NegotiateAsync(cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Asks the daemon which API it speaks (<c>/version</c>, unversioned) and settles on the lower of that and
    /// <see cref="MaximumApiVersion"/>. A daemon older than <see cref="MinimumApiVersion"/> is refused. The library
    /// takes a fixed version and does not negotiate, so the answer decides which client the other calls use.
    /// </summary>
    public async Task<DockerVersion> NegotiateAsync(CancellationToken cancellationToken)
    {
        Api.Models.VersionResponse answer;
        using (var unversioned = Build(apiVersion: null))
        {
            answer = await GuardAsync("GET /version", RequestTimeout, ct => unversioned.System.GetVersionAsync(ct), cancellationToken);
        }

        var version = new DockerVersion(answer.Version ?? "", answer.APIVersion ?? "", answer.Os ?? "", answer.Arch ?? "", answer.KernelVersion ?? "");
        var daemonApi = ParseApiVersion(version.ApiVersion);
        if (daemonApi < MinimumApiVersion && !AllowOlderApi)
        {
            throw new DockerException(Host,
                $"docker on {Host} is version {version.Version} (Engine API {daemonApi}); clusterctl needs Engine API " +
                $"{MinimumApiVersion} or newer (Docker 19.03+). Upgrade docker on that host, or pass --ignore-docker-version.");
        }

        var chosen = daemonApi < MaximumApiVersion ? daemonApi : MaximumApiVersion;
        Interlocked.Exchange(ref _api, Build(chosen))?.Dispose();
        _apiVersion = chosen;
        _logger.Debug("Docker {DockerVersion} on {Host} speaks Engine API {DaemonApiVersion}; using {ApiVersion}",
            version.Version, Host, daemonApi, _apiVersion);
        return version;
    }

    public void Dispose() => _api?.Dispose();

    private Api.DockerClient Build(Version? apiVersion) =>
        new Api.DockerClientBuilder()
            .WithEndpoint(Endpoint)
            .WithApiVersion(apiVersion)
            // Budgets are per call instead (CallAsync): a wait or an 8 GiB archive copy may take as long as it takes.
            .WithTimeout(Timeout.InfiniteTimeSpan)
            .WithTransportOptions(new NativeHttpTransportOptions
            {
                ConfigureHandler = handler =>
                {
                    handler.ConnectCallback = ConnectToSocketAsync;
                    // The forward lives only as long as the SSH master; do not keep idle connections through it for long.
                    handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30);
                },
            })
            .Build();

    private async ValueTask<Stream> ConnectToSocketAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private Version ParseApiVersion(string? text) =>
        Version.TryParse(text, out var version) && version.Build < 0
            ? version
            : throw new DockerException(Host, $"docker on {Host} reports an API version clusterctl cannot read: '{text}'");

    /// <summary>The versioned client, negotiating first if nobody did.</summary>
    private async ValueTask<Api.DockerClient> ApiAsync(CancellationToken cancellationToken)
    {
        if (_api is null)
        {
            await NegotiateAsync(cancellationToken);
        }

        return _api!;
    }

    /// <summary>A short call: the library's call under <see cref="RequestTimeout"/>, its failures in our words.</summary>
    private Task<T> CallAsync<T>(string operation, Func<Api.DockerClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        CallAsync(operation, RequestTimeout, call, cancellationToken);

    private async Task CallAsync(string operation, Func<Api.DockerClient, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        await CallAsync(operation, RequestTimeout, async (api, ct) =>
        {
            await call(api, ct);
            return true;
        }, cancellationToken);

    /// <summary>A streaming call (wait, logs, pull, archive, attach): no budget of its own, only the caller's token.</summary>
    private Task<T> StreamingCallAsync<T>(string operation, Func<Api.DockerClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        CallAsync(operation, Timeout.InfiniteTimeSpan, call, cancellationToken);

    private Task<T> CallAsync<T>(string operation, TimeSpan budget, Func<Api.DockerClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        GuardAsync(operation, budget, async ct => await call(await ApiAsync(ct), ct), cancellationToken);

    /// <summary>
    /// Runs <paramref name="call"/> under <paramref name="budget"/> on top of the caller's token. Running out of the
    /// budget becomes a <see cref="DockerException"/> (a hung daemon) while the caller's own cancellation stays a
    /// cancellation; the daemon's refusals become <see cref="DockerApiException"/>, transport failures say what to check.
    /// </summary>
    private async Task<T> GuardAsync<T>(string operation, TimeSpan budget, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(budget);
        try
        {
            return await call(timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DockerException(Host, string.Create(CultureInfo.InvariantCulture,
                $"docker on {Host} did not answer {operation} within {budget.TotalSeconds:0} s"), e);
        }
        catch (Api.DockerApiException e)
        {
            var message = DockerErrorMessage.Extract(e.ResponseBody, e.StatusCode, null);
            _logger.Debug("Docker on {Host} answered {Operation} with {StatusCode}: {DaemonMessage}", Host, operation, (int)e.StatusCode, message);
            throw new DockerApiException(Host, e.StatusCode, message);
        }
        catch (HttpRequestException e)
        {
            throw TransportFailure(e, operation);
        }
        catch (IOException e)
        {
            throw new DockerException(Host, $"docker on {Host}: {operation} broke off: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new DockerException(Host, $"docker on {Host} sent an answer to {operation} that clusterctl cannot read: {e.Message}", e);
        }
    }

    private DockerException TransportFailure(HttpRequestException e, string operation)
    {
        // A failure of ours while producing a request body (e.g. reading a snapshot from another host) keeps its own
        // message: wrapping it as "docker on <this host> failed" would blame the wrong host.
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is ClusterCtlException own)
            {
                ExceptionDispatchInfo.Capture(own).Throw();
            }
        }

        var cause = e.InnerException?.Message ?? e.Message;
        return e.HttpRequestError switch
        {
            // ENOENT surfaces as "Cannot assign requested address"; say what it means.
            HttpRequestError.ConnectionError when !File.Exists(SocketPath) => new DockerException(Host,
                $"the docker socket is unreachable on {Host}: the forwarded socket {SocketPath} does not exist. Is the SSH tunnel to {Host} up?", e),
            HttpRequestError.ConnectionError => new DockerException(Host,
                $"the docker socket is unreachable on {Host}: cannot connect to {SocketPath} ({cause}). Is the SSH tunnel to {Host} up?", e),
            HttpRequestError.ResponseEnded => new DockerException(Host,
                $"docker on {Host} closed the connection during {operation} without answering. " +
                $"May the SSH user open the docker socket on {Host} (is it in the docker group)?", e),
            _ => new DockerException(Host, $"docker on {Host}: {operation} failed: {cause}", e),
        };
    }

    private static bool IsNotFound(DockerApiException e) => e.StatusCode == HttpStatusCode.NotFound;

    /// <summary>Short ids in logs, as the docker CLI shows them.</summary>
    private static string ShortId(string id) => id.Length > 12 ? id[..12] : id;
}
