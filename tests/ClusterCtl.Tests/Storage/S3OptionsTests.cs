using ClusterCtl.Config;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Storage;

public class S3OptionsTests
{
    private static readonly S3Settings FromConfig = new("AKIACONFIG", "config-secret", "config-bucket", "eu-west-1", "minio.example:9000", null, "cluster-a");

    [Test]
    public void S3_is_off_without_the_flag_or_an_s3backupconfig()
    {
        Assert.That(S3Options.Merge(null, S3Flags.None), Is.Null);
    }

    [Test]
    public void S3_flags_without_s3_or_a_config_are_refused_rather_than_ignored()
    {
        var error = Assert.Throws<ClusterCtlException>(() => S3Options.Merge(null, new S3Flags(BucketName: "b")));

        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(error.Message, Does.Contain("--s3"));
    }

    [Test]
    public void The_config_alone_turns_s3_on()
    {
        var options = S3Options.Merge(FromConfig, S3Flags.None)!;

        Assert.That(options, Is.EqualTo(new S3Options("minio.example:9000", "eu-west-1", "config-bucket", "cluster-a", "AKIACONFIG", "config-secret", null)));
        Assert.That(options.EndpointUri, Is.EqualTo(new Uri("https://minio.example:9000")));
        Assert.That(options.IsAws, Is.False);
    }

    [Test]
    public void Flags_override_the_config_one_by_one()
    {
        var options = S3Options.Merge(FromConfig, new S3Flags(Endpoint: "http://127.0.0.1:4568", BucketName: "flag-bucket", Folder: "/nightly/"))!;

        Assert.That(options.Endpoint, Is.EqualTo("http://127.0.0.1:4568"));
        Assert.That(options.Bucket, Is.EqualTo("flag-bucket"));
        Assert.That(options.Folder, Is.EqualTo("nightly"));
        Assert.That(options.AccessKey, Is.EqualTo("AKIACONFIG"));
        Assert.That(options.Region, Is.EqualTo("eu-west-1"));
    }

    [Test]
    public void The_region_defaults_to_us_east_1_and_no_endpoint_means_aws()
    {
        var options = S3Options.Merge(null, new S3Flags(S3: true, BucketName: "b"))!;

        Assert.That(options.Region, Is.EqualTo("us-east-1"));
        Assert.That(options.IsAws, Is.True);
        Assert.That(options.AccessKey, Is.Null, "no keys: the AWS credential chain applies");
    }

    [TestCase("s3.amazonaws.com", true)]
    [TestCase("https://s3.eu-central-1.amazonaws.com", true)]
    [TestCase("http://127.0.0.1:4568", false)]
    [TestCase("minio.local", false)]
    public void Only_amazonaws_endpoints_count_as_aws(string endpoint, bool aws)
    {
        Assert.That((S3Options.Merge(null, new S3Flags(S3: true, BucketName: "b", Endpoint: endpoint))!).IsAws, Is.EqualTo(aws));
    }

    [Test]
    public void A_bucket_is_required()
    {
        var error = Assert.Throws<ClusterCtlException>(() => S3Options.Merge(null, new S3Flags(S3: true)));

        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(error.Message, Does.Contain("--bucket-name"));
    }

    [Test]
    public void An_access_key_without_a_secret_is_refused()
    {
        var error = Assert.Throws<ClusterCtlException>(() => S3Options.Merge(null, new S3Flags(S3: true, BucketName: "b", AccessKey: "AKIA")));

        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
    }

    [Test]
    public void An_invalid_endpoint_is_refused()
    {
        Assert.Throws<ClusterCtlException>(() => S3Options.Merge(null, new S3Flags(S3: true, BucketName: "b", Endpoint: "ftp://x")));
    }

    [Test]
    public void The_endpoint_ca_flag_names_a_file_that_is_read()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, TestCertificates.CaPem);

            var options = S3Options.Merge(FromConfig, new S3Flags(EndpointCaFile: file))!;

            Assert.That(options.CustomCaPem, Is.EqualTo(TestCertificates.CaPem));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void A_missing_or_non_pem_ca_file_is_refused_with_its_path()
    {
        var missing = Assert.Throws<ClusterCtlException>(() => S3Options.Merge(FromConfig, new S3Flags(EndpointCaFile: "/nonexistent/ca.pem")));
        Assert.That(missing.Message, Does.Contain("/nonexistent/ca.pem"));
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "not a certificate");
            Assert.That(() => S3Options.Merge(FromConfig, new S3Flags(EndpointCaFile: file)), Throws.InstanceOf<ClusterCtlException>().With.Message.Contains("no PEM certificate"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Keys_are_folder_slash_file_without_a_leading_slash()
    {
        var options = S3Options.Merge(null, new S3Flags(S3: true, BucketName: "b", Folder: "/a/b/"))!;
        var noFolder = S3Options.Merge(null, new S3Flags(S3: true, BucketName: "b", Folder: "/"))!;

        Assert.That(options.KeyFor("snap.zip"), Is.EqualTo("a/b/snap.zip"));
        Assert.That(noFolder.Folder, Is.Null);
        Assert.That(noFolder.KeyFor("snap.zip"), Is.EqualTo("snap.zip"));
    }

    [Test]
    public void ToString_never_shows_the_keys()
    {
        var options = S3Options.Merge(FromConfig, S3Flags.None)!;
        var flags = new S3Flags(S3: true, AccessKey: "AKIAFLAG", SecretKey: "flag-secret");

        Assert.That(options.ToString(), Does.Not.Contain("config-secret").And.Not.Contain("AKIACONFIG").And.Contain("[redacted]"));
        Assert.That(flags.ToString(), Does.Not.Contain("flag-secret").And.Not.Contain("AKIAFLAG"));
        Assert.That(options.Location, Does.Not.Contain("secret"));
    }
}
