using System.Globalization;

namespace ClusterCtl.Docker;

/// <summary>
/// A helper container exited non-zero. The message names host, container and exit code and quotes the
/// end of its stderr, which is where tools like etcdctl say what went wrong.
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
        return tail.Length == 0 ? message + " and wrote nothing to stderr" : message + ":\n  " + tail.Replace("\n", "\n  ", StringComparison.Ordinal);
    }

    private static string LastLines(string text) =>
        string.Join('\n', (text ?? "")
            .Split('\n')
            .Select(line => line.TrimEnd('\r', ' ', '\t'))
            .Where(line => line.Length > 0)
            .TakeLast(QuotedStderrLines));
}
