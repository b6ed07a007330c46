using System.Net;
using System.Text;
using System.Text.Json;

namespace ClusterCtl.Docker;

/// <summary>
/// Reads the JSON-lines answer of <c>POST /images/create</c>. The daemon commits to HTTP 200 before it
/// contacts the registry, so a failed pull (unknown manifest, bad credentials, unreachable registry)
/// arrives as a line with <c>error</c>/<c>errorDetail</c>; this turns that line into an exception.
/// </summary>
internal static class PullStreamReader
{
    public static async Task ReadToEndAsync(Stream body, string host, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            PullMessage? message;
            try
            {
                message = JsonSerializer.Deserialize(line, DockerJsonContext.Default.PullMessage);
            }
            catch (JsonException)
            {
                // A line we cannot read is not an error report; the pull's outcome is decided by the lines we can.
                continue;
            }

            if (message is null)
            {
                continue;
            }

            var error = FirstNonEmpty(message.ErrorDetail?.Message, message.Error);
            if (error is not null)
            {
                throw new DockerApiException(host, HttpStatusCode.OK, error);
            }

            // Progress bars ("Downloading [==> ]") repeat many times a second; report only state changes.
            if (progress is not null && message.Status is not null && message.Progress is null)
            {
                progress.Report(message.Id is null ? message.Status : $"{message.Id}: {message.Status}");
            }
        }
    }

    private static string? FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrWhiteSpace(first) ? first.Trim() : !string.IsNullOrWhiteSpace(second) ? second.Trim() : null;
}
