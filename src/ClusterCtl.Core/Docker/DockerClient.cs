using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Serilog;

namespace ClusterCtl.Docker;

/// <summary>
/// A small typed client for one host's Docker Engine API, spoken over the host's docker socket as
/// forwarded to a local unix socket by SSH. Every error names the host, because a run talks to many.
/// This file holds the transport (connection, version negotiation, error mapping, timeouts); the
/// endpoints live in the other DockerClient.*.cs files.
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

    private const int MaxErrorBodyLength = 64 * 1024;

    private readonly HttpClient _http;
    private readonly ILogger _logger;
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

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectToSocketAsync,
            // The forward lives only as long as the SSH master; do not keep idle connections through it for long.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            // The host part is never resolved: every connection goes to the socket.
            BaseAddress = new Uri("http://docker"),
            // Budgets are per call instead (WithTimeoutAsync): a wait or an 8 GiB archive copy may take as long as it takes.
            Timeout = Timeout.InfiniteTimeSpan,
        };
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
    /// Asks the daemon which API it speaks (<c>/_ping</c>'s API-Version header, else <c>/version</c>) and settles on
    /// the lower of that and <see cref="MaximumApiVersion"/>. A daemon older than <see cref="MinimumApiVersion"/> is refused.
    /// </summary>
    public async Task<DockerVersion> NegotiateAsync(CancellationToken cancellationToken)
    {
        var pingVersion = await WithTimeoutAsync("GET /_ping", RequestTimeout, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/_ping");
            using var response = await SendAsync(request, null, ct);
            return response.Headers.TryGetValues("API-Version", out var values) ? values.FirstOrDefault() : null;
        }, cancellationToken);

        var version = await GetJsonAsync("/version", DockerJsonContext.Default.DockerVersion, cancellationToken);
        var daemonApi = ParseApiVersion(pingVersion ?? version.ApiVersion);
        if (daemonApi < MinimumApiVersion && !AllowOlderApi)
        {
            throw new DockerException(Host,
                $"docker on {Host} is version {version.Version} (Engine API {daemonApi}); clusterctl needs Engine API " +
                $"{MinimumApiVersion} or newer (Docker 19.03+). Upgrade docker on that host, or pass --ignore-docker-version.");
        }

        _apiVersion = daemonApi < MaximumApiVersion ? daemonApi : MaximumApiVersion;
        _logger.Debug("Docker {DockerVersion} on {Host} speaks Engine API {DaemonApiVersion}; using {ApiVersion}",
            version.Version, Host, daemonApi, _apiVersion);
        return version;
    }

    public void Dispose() => _http.Dispose();

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

    /// <summary>"/containers/json" becomes "/v1.41/containers/json", negotiating first if nobody did.</summary>
    private async ValueTask<string> ApiPathAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        if (_apiVersion is null)
        {
            await NegotiateAsync(cancellationToken);
        }

        return string.Create(CultureInfo.InvariantCulture, $"/v{_apiVersion}{pathAndQuery}");
    }

    /// <summary>
    /// Sends a request and returns the response once its headers arrived (bodies are read by the caller, streamed).
    /// Non-2xx answers not in <paramref name="alsoAccepted"/> become <see cref="DockerApiException"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, IReadOnlyCollection<HttpStatusCode>? alsoAccepted, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw TransportFailure(request, e);
        }

        if (response.IsSuccessStatusCode || (alsoAccepted?.Contains(response.StatusCode) ?? false))
        {
            return response;
        }

        using (response)
        {
            var body = await ReadErrorBodyAsync(response, cancellationToken);
            var message = DockerErrorMessage.Extract(body, response.StatusCode, response.ReasonPhrase);
            _logger.Debug("Docker on {Host} answered {Method} {Path} with {StatusCode}: {DaemonMessage}",
                Host, request.Method, PathOf(request), (int)response.StatusCode, message);
            throw new DockerApiException(Host, response.StatusCode, message);
        }
    }

    private DockerException TransportFailure(HttpRequestException e, string what)
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
                $"docker on {Host} closed the connection during {what} without answering. " +
                $"May the SSH user open the docker socket on {Host} (is it in the docker group)?", e),
            _ => new DockerException(Host, $"docker on {Host}: {what} failed: {cause}", e),
        };
    }

    private DockerException TransportFailure(HttpRequestMessage request, HttpRequestException e) =>
        TransportFailure(e, $"{request.Method} {PathOf(request)}");

    /// <summary>The request's path without query, e.g. "/v1.41/containers/etcd/json" (the host part is always "docker").</summary>
    private static string PathOf(HttpRequestMessage request)
    {
        var uri = request.RequestUri;
        if (uri is null)
        {
            return "";
        }

        if (uri.IsAbsoluteUri)
        {
            return uri.AbsolutePath;
        }

        var path = uri.OriginalString;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? path : path[..query];
    }

    private static async Task<string?> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBodyLength];
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, filled);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The status code alone still tells the story.
            return null;
        }
    }

    /// <summary>
    /// Runs a short call under <paramref name="budget"/> on top of the caller's token, and reports running out of it
    /// as a <see cref="DockerException"/> (a hung daemon), while the caller's own cancellation stays a cancellation.
    /// </summary>
    private async Task<T> WithTimeoutAsync<T>(
        string operation, TimeSpan budget, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
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
    }

    private Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        WithTimeoutAsync("GET " + path, RequestTimeout, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            using var response = await SendAsync(request, null, ct);
            return await ReadJsonAsync(response, type, "GET " + path, ct);
        }, cancellationToken);

    /// <summary>GET that maps 404 to null: "no such container/image" is an answer, not an error.</summary>
    private Task<T?> GetJsonOrNullAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class =>
        WithTimeoutAsync<T?>("GET " + path, RequestTimeout, async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            using var response = await SendAsync(request, [HttpStatusCode.NotFound], ct);
            return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadJsonAsync(response, type, "GET " + path, ct);
        }, cancellationToken);

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(body, type, cancellationToken)
                ?? throw new JsonException("the answer was null");
        }
        catch (JsonException e)
        {
            throw new DockerException(Host, $"docker on {Host} sent an answer to {what} that clusterctl cannot read: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw TransportFailure(e, what);
        }
        catch (IOException e)
        {
            throw new DockerException(Host, $"docker on {Host}: the answer to {what} broke off: {e.Message}", e);
        }
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>Short ids in logs, as the docker CLI shows them.</summary>
    private static string ShortId(string id) => id.Length > 12 ? id[..12] : id;
}
