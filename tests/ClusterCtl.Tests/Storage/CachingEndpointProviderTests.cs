using Amazon.Runtime.Endpoints;
using Amazon.S3.Endpoints;
using Amazon.S3.Internal;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Storage;

public class CachingEndpointProviderTests
{
    [Test]
    public void The_rules_run_once_for_requests_with_the_same_parameters()
    {
        var rules = new CountingRules();
        var provider = new CachingEndpointProvider(rules);

        var first = provider.ResolveEndpoint(Parameters("snapshots", "nightly/a.zip"));
        var second = provider.ResolveEndpoint(Parameters("snapshots", "nightly/a.zip"));

        Assert.That(rules.Calls, Is.EqualTo(1));
        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void A_different_key_bucket_or_flag_asks_the_rules_again()
    {
        var rules = new CountingRules();
        var provider = new CachingEndpointProvider(rules);

        provider.ResolveEndpoint(Parameters("snapshots", "nightly/a.zip"));
        provider.ResolveEndpoint(Parameters("snapshots", "nightly/b.zip"));
        provider.ResolveEndpoint(Parameters("other", "nightly/a.zip"));
        var pathStyle = Parameters("snapshots", "nightly/a.zip");
        pathStyle.ForcePathStyle = false;
        provider.ResolveEndpoint(pathStyle);

        Assert.That(rules.Calls, Is.EqualTo(4));
    }

    [Test]
    public void A_missing_value_and_an_empty_one_are_different_parameters()
    {
        var rules = new CountingRules();
        var provider = new CachingEndpointProvider(rules);

        provider.ResolveEndpoint(Parameters("snapshots", null));
        provider.ResolveEndpoint(Parameters("snapshots", ""));

        Assert.That(rules.Calls, Is.EqualTo(2));
    }

    [Test]
    public void The_cached_endpoint_is_the_one_the_sdk_rules_give()
    {
        var parameters = Parameters("snapshots", "nightly/a.zip");

        var cached = new CachingEndpointProvider(new AmazonS3EndpointProvider()).ResolveEndpoint(parameters);

        Assert.That(cached.URL, Is.EqualTo(new AmazonS3EndpointProvider().ResolveEndpoint(parameters).URL));
        Assert.That(cached.URL, Does.StartWith("http://127.0.0.1:4568"));
    }

    private static S3EndpointParameters Parameters(string bucket, string? key) => new()
    {
        Bucket = bucket,
        Key = key,
        Region = "us-east-1",
        Endpoint = "http://127.0.0.1:4568",
        ForcePathStyle = true,
        UseFIPS = false,
        UseDualStack = false,
        Accelerate = false,
    };

    private sealed class CountingRules : IEndpointProvider
    {
        public int Calls { get; private set; }

        public Endpoint ResolveEndpoint(EndpointParameters parameters)
        {
            Calls++;
            return new Endpoint($"http://store/{Calls}");
        }
    }
}
