using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Amazon.Runtime;
using Amazon.S3;

namespace ClusterCtl.Storage;

/// <summary>
/// Turns what the AWS SDK throws into one line an operator can act on: which store, what went wrong, what to
/// change. Messages from the store are only quoted for errors that cannot carry a key, and the secret key is
/// scrubbed from every message all the same.
/// </summary>
internal static class S3ErrorTranslator
{
    private static readonly HashSet<string> CredentialErrors = new(StringComparer.OrdinalIgnoreCase)
    {
        "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "AllAccessDisabled",
    };

    /// <summary>Maps <paramref name="error"/>; returns null for what is not an S3 failure (e.g. our own cancellation).</summary>
    /// <param name="snapshotName">The snapshot the operation was about, for "not found".</param>
    public static S3Exception? Translate(Exception error, S3Options options, string operation, string? snapshotName = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(options);
        if (snapshotName is not null && IsMissingObject(error))
        {
            return new S3Exception($"snapshot {snapshotName} not found in s3://{options.Bucket}/{options.KeyPrefix} at {EndpointOf(options)}", ExitCodes.InvalidInput, error);
        }

        var location = options.Location;
        string? message = error switch
        {
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } =>
                $"S3 bucket \"{options.Bucket}\" does not exist at {EndpointOf(options)}: create it, or fix --bucket-name / bucket_name in s3backupconfig",
            AmazonS3Exception s3 when CredentialErrors.Contains(s3.ErrorCode ?? "") || s3.StatusCode == HttpStatusCode.Forbidden =>
                $"S3 at {location} refused the credentials ({s3.ErrorCode ?? "403 Forbidden"}) while trying to {operation}: check --access-key/--secret-key or access_key/secret_key in s3backupconfig, and that the key may use the bucket",
            AmazonS3Exception s3 =>
                $"S3 at {location} failed to {operation}: {s3.ErrorCode ?? ((int)s3.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)} {s3.Message}",
            _ when Find<AuthenticationException>(error) is not null =>
                $"TLS with S3 at {EndpointOf(options)} failed while trying to {operation}: the server's certificate is not trusted; give the CA that signed it with --s3-endpoint-ca or custom_ca",
            _ when Find<SocketException>(error) is { } socket =>
                $"cannot reach S3 at {EndpointOf(options)} ({Describe(socket)}) while trying to {operation}: check --s3-endpoint / endpoint and that the store is up",
            _ when Find<HttpRequestException>(error) is { } http =>
                $"cannot reach S3 at {EndpointOf(options)} ({http.HttpRequestError}) while trying to {operation}: check --s3-endpoint / endpoint and that the store is up",
            TaskCanceledException or TimeoutException =>
                $"S3 at {EndpointOf(options)} did not answer in time while trying to {operation}: check --s3-endpoint / endpoint and the network to it",
            AmazonClientException client when client.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) =>
                $"no S3 credentials for {location}: give --access-key and --secret-key, set access_key/secret_key in s3backupconfig, or configure the AWS environment, profile or instance role",
            AmazonServiceException service =>
                $"S3 at {location} failed to {operation}: {service.ErrorCode} {service.Message}",
            _ => null,
        };

        return message is null ? null : new S3Exception(Scrub(message, options), ExitCodes.Failed, error);
    }

    /// <summary>NoSuchKey, or a 404 without a body (HEAD) that is not about the bucket.</summary>
    public static bool IsMissingObject(Exception error) =>
        error is AmazonS3Exception { ErrorCode: "NoSuchKey" } or AmazonS3Exception { StatusCode: HttpStatusCode.NotFound, ErrorCode: not "NoSuchBucket" };

    private static string EndpointOf(S3Options options) => options.EndpointUri?.GetLeftPart(UriPartial.Authority) ?? $"AWS S3 ({options.Region})";

    private static string Describe(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData => "host not found",
        SocketError.TimedOut => "connection timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "unreachable",
        var code => code.ToString(),
    };

    private static T? Find<T>(Exception error)
        where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string Scrub(string message, S3Options options) =>
        options.SecretKey is { Length: > 0 } secret ? message.Replace(secret, "[redacted]", StringComparison.Ordinal) : message;
}
