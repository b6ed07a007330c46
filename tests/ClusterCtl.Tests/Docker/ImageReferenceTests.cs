using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

public class ImageReferenceTests
{
    [TestCase("busybox", null, "busybox", null, null)]
    [TestCase("busybox:1.36", null, "busybox", "1.36", null)]
    [TestCase("rancher/mirrored-coreos-etcd:v3.5.16", null, "rancher/mirrored-coreos-etcd", "v3.5.16", null)]
    [TestCase("127.0.0.1:5999/none:1", "127.0.0.1:5999", "none", "1", null)]
    [TestCase("localhost:5000/team/etcd", "localhost:5000", "team/etcd", null, null)]
    [TestCase("localhost/etcd:3", "localhost", "etcd", "3", null)]
    [TestCase("registry.example.com/rke/etcd:v3.4", "registry.example.com", "rke/etcd", "v3.4", null)]
    [TestCase("docker.io/library/alpine:3.19", "docker.io", "library/alpine", "3.19", null)]
    [TestCase("[fd00::1]:5000/etcd:1", "[fd00::1]:5000", "etcd", "1", null)]
    public void References_split_like_docker_splits_them(string reference, string? registry, string repository, string? tag, string? digest)
    {
        var parsed = ImageReference.Parse(reference);

        Assert.That(parsed, Is.EqualTo(new ImageReference(registry, repository, tag, digest)));
        Assert.That(parsed.ToString(), Is.EqualTo(reference));
    }

    [Test]
    public void A_digest_is_kept_and_used_as_the_pull_tag()
    {
        var digest = "sha256:" + new string('a', 64);

        var parsed = ImageReference.Parse($"quay.io/coreos/etcd@{digest}");

        Assert.That(parsed.Registry, Is.EqualTo("quay.io"));
        Assert.That(parsed.Repository, Is.EqualTo("coreos/etcd"));
        Assert.That(parsed.Digest, Is.EqualTo(digest));
        Assert.That(parsed.Name, Is.EqualTo("quay.io/coreos/etcd"));
        Assert.That(parsed.PullTag, Is.EqualTo(digest));
    }

    [Test]
    public void With_both_tag_and_digest_the_digest_wins_the_pull()
    {
        var digest = "sha256:" + new string('b', 64);

        var parsed = ImageReference.Parse($"127.0.0.1:5999/etcd:v3.5@{digest}");

        Assert.That(parsed.Tag, Is.EqualTo("v3.5"));
        Assert.That(parsed.PullTag, Is.EqualTo(digest));
    }

    [TestCase("busybox", "busybox", "latest")]
    [TestCase("127.0.0.1:5999/none:1", "127.0.0.1:5999/none", "1")]
    [TestCase("localhost:5000/etcd", "localhost:5000/etcd", "latest")]
    public void Pull_parameters_are_name_and_tag_with_latest_by_default(string reference, string fromImage, string tag)
    {
        var parsed = ImageReference.Parse(reference);

        Assert.That(parsed.Name, Is.EqualTo(fromImage));
        Assert.That(parsed.PullTag, Is.EqualTo(tag));
    }

    [TestCase("busybox", "docker.io")]
    [TestCase("rancher/etcd:v1", "docker.io")]
    [TestCase("127.0.0.1:5999/none:1", "127.0.0.1:5999")]
    [TestCase("registry.example.com/etcd", "registry.example.com")]
    public void The_registry_host_defaults_to_docker_hub(string reference, string host)
    {
        Assert.That(ImageReference.Parse(reference).RegistryHost, Is.EqualTo(host));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("bad name:1")]
    [TestCase("etcd:")]
    [TestCase("etcd:bad/tag")]
    [TestCase("etcd@sha256:xyz")]
    [TestCase("registry.example.com/")]
    [TestCase("a//b")]
    [TestCase("bad_host:x/etcd")]
    public void Malformed_references_are_invalid_input(string reference)
    {
        var error = Assert.Throws<ClusterCtlException>(() => ImageReference.Parse(reference));

        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(error.Message, Does.StartWith("invalid image reference"));
    }
}
