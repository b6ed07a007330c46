using System.Net;
using ClusterCtl.Schedule;
using ClusterCtl.Logging;
using Serilog;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// /metrics (Prometheus text, written by prometheus-net) and /healthz over plain HTTP. HttpListener rather than
/// prometheus-net's own MetricServer: that one listens under the metrics path only, so it could not answer /healthz.
/// HttpListener is in the BCL (no ASP.NET), parses HTTP properly, and binding an IP literal needs no privileges on Linux.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ScheduleMetrics _metrics;
    private readonly ILogger _logger;
    private Task _serving = Task.CompletedTask;

    public MetricsEndpoint(IPEndPoint endpoint, ScheduleMetrics metrics, ILogger logger)
    {
        _metrics = metrics;
        _logger = logger.ForScope("schedule");
        Prefix = $"http://{endpoint}/";
        _listener.Prefixes.Add(Prefix);
    }

    public string Prefix { get; }

    /// <summary>Parses <c>127.0.0.1:9464</c>; a port is required.</summary>
    public static IPEndPoint ParseListenAddress(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0 && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new ClusterCtlException($"--metrics-listen \"{text}\" is invalid: give an address and port such as 127.0.0.1:9464", ExitCodes.InvalidInput);

    public void Start()
    {
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            // Exit 1, not 2: a port in use may be free again when systemd restarts the service.
            throw new ClusterCtlException($"cannot listen on {Prefix} for metrics: {e.Message}; choose another --metrics-listen port", ExitCodes.Failed, e);
        }

        _logger.Information("Serving {MetricsUrl} and {HealthUrl}", Prefix + "metrics", Prefix + "healthz");
        _serving = Task.Run(ServeAsync);
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // The serving loop ends with the listener; there is nothing left to report.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await RespondAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                _logger.Debug("Metrics client went away: {Error}", e.Message);
            }
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        var response = context.Response;
        switch (context.Request.Url?.AbsolutePath)
        {
            case "/metrics":
                // Buffered, so that the length is known and a failed export cannot leave a half-written 200 behind.
                using (var body = new MemoryStream())
                {
                    await _metrics.ExportAsync(body, CancellationToken.None);
                    await WriteAsync(response, 200, "text/plain; version=0.0.4; charset=utf-8", body.ToArray());
                }

                break;
            case "/healthz" when _metrics.IsHealthy():
                await WriteAsync(response, 200, "text/plain; charset=utf-8", "ok\n"u8.ToArray());
                break;
            case "/healthz":
                await WriteAsync(response, 503, "text/plain; charset=utf-8", "unhealthy: no successful snapshot within twice the interval\n"u8.ToArray());
                break;
            default:
                await WriteAsync(response, 404, "text/plain; charset=utf-8", "not found: try /metrics or /healthz\n"u8.ToArray());
                break;
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }
}
