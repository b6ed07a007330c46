using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Amazon.Runtime;
using Amazon.S3;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Storage;

public class S3ErrorTranslatorTests
{
    private const string Secret = "s3cr3t-value";
    private static readonly S3Options Options = new("http://127.0.0.1:4568", "us-east-1", "backups", "prod", "AKIA", Secret, null);

    [TestCase("InvalidAccessKeyId")]
    [TestCase("SignatureDoesNotMatch")]
    [TestCase("AccessDenied")]
    public void Credential_errors_name_the_store_and_the_flags_to_fix(string code)
    {
        var error = S3ErrorTranslator.Translate(S3Error(code, HttpStatusCode.Forbidden), Options, "list snapshots")!;

        Assert.That(error.Message, Does.StartWith("S3 at s3://backups/prod/ at http://127.0.0.1:4568 refused the credentials (" + code + ")"));
        Assert.That(error.Message, Does.Contain("--access-key/--secret-key"));
        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.Failed));
    }

    [Test]
    public void The_secret_is_scrubbed_even_if_a_store_echoes_it()
    {
        var error = S3ErrorTranslator.Translate(S3Error("InternalError", HttpStatusCode.InternalServerError, "key " + Secret + " broke"), Options, "list snapshots")!;

        Assert.That(error.Message, Does.Not.Contain(Secret).And.Contain("[redacted]"));
    }

    [Test]
    public void A_missing_bucket_is_named_with_the_fix()
    {
        var error = S3ErrorTranslator.Translate(S3Error("NoSuchBucket", HttpStatusCode.NotFound), Options, "list snapshots", "snap")!;

        Assert.That(error.Message, Is.EqualTo("S3 bucket \"backups\" does not exist at http://127.0.0.1:4568: create it, or fix --bucket-name / bucket_name in s3backupconfig"));
    }

    [Test]
    public void A_missing_snapshot_exits_2()
    {
        var error = S3ErrorTranslator.Translate(S3Error("NoSuchKey", HttpStatusCode.NotFound), Options, "download", "snap")!;

        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(error.Message, Does.StartWith("snapshot snap not found in s3://backups/prod/"));
    }

    [Test]
    public void A_refused_connection_says_the_store_is_unreachable()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));

        var error = S3ErrorTranslator.Translate(new AmazonServiceException("wrapped", refused), Options, "list snapshots")!;

        Assert.That(error.Message, Does.StartWith("cannot reach S3 at http://127.0.0.1:4568 (connection refused)"));
    }

    [Test]
    public void A_tls_failure_points_at_the_ca_options()
    {
        var tls = new HttpRequestException("ssl", new AuthenticationException("remote certificate is invalid"));

        var error = S3ErrorTranslator.Translate(tls, Options, "list snapshots")!;

        Assert.That(error.Message, Does.Contain("not trusted").And.Contain("--s3-endpoint-ca or custom_ca"));
    }

    [Test]
    public void Missing_credentials_point_at_the_ways_to_give_them()
    {
        var error = S3ErrorTranslator.Translate(new AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors"), Options, "list snapshots")!;

        Assert.That(error.Message, Does.StartWith("no S3 credentials"));
    }

    [Test]
    public void Errors_that_are_not_about_s3_are_left_alone()
    {
        Assert.That(S3ErrorTranslator.Translate(new InvalidOperationException("bug"), Options, "list snapshots"), Is.Null);
    }

    private static AmazonS3Exception S3Error(string code, HttpStatusCode status, string message = "store says no") =>
        new(message, ErrorType.Sender, code, "request-id", status);
}
