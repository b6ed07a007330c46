using System.Globalization;

namespace ClusterCtl.Docker;

/// <summary>
/// A helper container exited non-zero. The one-line message names host, container and exit code and quotes
/// the last line of stderr, which is where tools like etcdctl say what went wrong; the longer tail is kept
/// in <see cref="StderrTail"/> for debug logs.
/// </summary>
internal sealed class HelperFailedException : ClusterCtlException
{
    public const int QuotedStderrLines = 10;

    public HelperFailedException(string host, string container, long exitCode, string stderr)
        : base(Describe(host, container, exitCode, stderr))
    {
        Host = host;
        Container = container;
        ContainerExitCode = exitCode;
        StderrTail = LastLines(stderr);
    }

    public string Host { get; }

    public string Container { get; }

    /// <summary>The container's exit code (not the process exit code, which stays <see cref="ExitCodes.Failed"/>).</summary>
    public long ContainerExitCode { get; }

    /// <summary>The last <see cref="QuotedStderrLines"/> non-empty lines of stderr.</summary>
    public string StderrTail { get; }

    private static string Describe(string host, string container, long exitCode, string stderr)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"helper container {container} on {host} exited with code {exitCode}");
        var tail = LastLines(stderr);
        return tail.Length == 0 ? message + " and wrote nothing to stderr" : message + ": " + tail.Split('\n')[^1];
    }

    private static string LastLines(string text) =>
        string.Join('\n', (text ?? "")
            .Split('\n')
            .Select(line => line.TrimEnd('\r', ' ', '\t'))
            .Where(line => line.Length > 0)
            .TakeLast(QuotedStderrLines));
}
