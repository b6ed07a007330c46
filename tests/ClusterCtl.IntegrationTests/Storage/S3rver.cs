using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ClusterCtl.Storage;

namespace ClusterCtl.IntegrationTests.Storage;

/// <summary>The testbed's s3rver on loopback (tests/testbed/testbed.sh starts it); each test takes a folder of its own.</summary>
internal static class S3rver
{
    public static string Endpoint => Value("TB_S3_ENDPOINT", "http://127.0.0.1:4568");

    public static string Bucket => Value("TB_S3_BUCKET", "clusterctl");

    public static string AccessKey => Value("TB_S3_ACCESS_KEY", "S3RVER");

    public static string SecretKey => Value("TB_S3_SECRET_KEY", "S3RVER");

    /// <summary>Options for a fresh, unique folder in the testbed's bucket.</summary>
    public static S3Options Options(string? folder = null) =>
        new(Endpoint, S3Options.DefaultRegion, Bucket, folder ?? NewFolder(), AccessKey, SecretKey, null);

    public static string NewFolder()
    {
        var folder = $"tests/{TestContext.CurrentContext.Test.MethodName}-{Guid.NewGuid():N}";
        Folders.Add(folder);
        return folder;
    }

    /// <summary>Removes what the tests stored, so repeated runs do not fill the testbed's disk.</summary>
    public static async Task DeleteTestFoldersAsync()
    {
        using var client = NewClient();
        while (Folders.TryTake(out var folder))
        {
            var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = folder + "/" });
            foreach (var item in listed.S3Objects ?? [])
            {
                await client.DeleteObjectAsync(Bucket, item.Key);
            }
        }
    }

    /// <summary>A plain S3 client on the testbed's s3rver, for placing objects clusterctl did not make.</summary>
    public static AmazonS3Client NewClient() => new(
        new BasicAWSCredentials(AccessKey, SecretKey),
        new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    private static readonly ConcurrentBag<string> Folders = [];

    private static string Value(string name, string fallback)
    {
        try
        {
            return Testbed.Env.TryGetValue(name, out var value) && value.Length > 0 ? value : fallback;
        }
        catch (IOException)
        {
            return fallback;
        }
    }
}
