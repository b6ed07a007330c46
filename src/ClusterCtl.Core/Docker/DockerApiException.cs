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

    /// <summary>A registry refused a pull for want of (right) credentials.</summary>
    public bool IsAccessDenied =>
        DaemonMessage.Contains("unauthorized", StringComparison.OrdinalIgnoreCase)
        || DaemonMessage.Contains("authentication required", StringComparison.OrdinalIgnoreCase)
        || DaemonMessage.Contains("no basic auth credentials", StringComparison.OrdinalIgnoreCase)
        || DaemonMessage.Contains("access denied", StringComparison.OrdinalIgnoreCase);

    /// <summary>The container could not start because its image lacks the executable (etcdutl in an etcd 3.4 image).</summary>
    public bool IsMissingExecutable =>
        DaemonMessage.Contains("executable file not found", StringComparison.OrdinalIgnoreCase)
        || DaemonMessage.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase);
}
