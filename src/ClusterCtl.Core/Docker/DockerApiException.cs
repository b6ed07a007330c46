using System.Globalization;
using System.Net;

namespace ClusterCtl.Docker;

/// <summary>
/// The daemon answered with an error: a non-2xx status with its <c>{"message": ...}</c> body,
/// or an error line inside a 200 streaming answer (pulls). Carries the daemon's own words,
/// because they are what an operator can search for.
/// </summary>
internal sealed class DockerApiException : DockerException
{
    public DockerApiException(string host, HttpStatusCode statusCode, string daemonMessage)
        : base(host, string.Create(CultureInfo.InvariantCulture, $"docker on {host}: {daemonMessage} (HTTP {(int)statusCode})"))
    {
        StatusCode = statusCode;
        DaemonMessage = daemonMessage;
    }

    public HttpStatusCode StatusCode { get; }

    public string DaemonMessage { get; }
}
