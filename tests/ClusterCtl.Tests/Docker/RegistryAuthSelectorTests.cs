using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

public class RegistryAuthSelectorTests
{
    private static readonly RegistryAuth Private = new("registry.example.com", "ci", "secret-1");
    private static readonly RegistryAuth PrivateWithPort = new("https://registry.example.com:5000/", "ops", "secret-2");
    private static readonly RegistryAuth Hub = new("https://index.docker.io/v1/", "hubuser", "secret-3");
    private static readonly RegistryAuth[] All = [Private, PrivateWithPort, Hub];

    [TestCase("registry.example.com/rke/etcd:v3.5", "ci")]
    [TestCase("REGISTRY.example.com/rke/etcd:v3.5", "ci")]
    [TestCase("registry.example.com:5000/rke/etcd:v3.5", "ops")]
    [TestCase("rancher/mirrored-coreos-etcd:v3.5.16", "hubuser")]
    [TestCase("busybox", "hubuser")]
    [TestCase("docker.io/library/busybox:1", "hubuser")]
    public void Credentials_are_chosen_by_the_image_registry_host(string image, string expectedUser)
    {
        Assert.That(RegistryAuthSelector.Select(image, All)?.Username, Is.EqualTo(expectedUser));
    }

    [Test]
    public void An_image_on_a_registry_without_credentials_is_pulled_anonymously()
    {
        Assert.That(RegistryAuthSelector.Select("127.0.0.1:5999/none:1", All), Is.Null);
    }

    [Test]
    public void Hub_images_get_no_private_credentials_when_only_private_registries_are_configured()
    {
        Assert.That(RegistryAuthSelector.Select("busybox", [Private, PrivateWithPort]), Is.Null);
    }

    [TestCase("docker.io", "docker.io")]
    [TestCase("index.docker.io", "docker.io")]
    [TestCase("registry-1.docker.io", "docker.io")]
    [TestCase("https://index.docker.io/v1/", "docker.io")]
    [TestCase("http://Reg.Example.com:5000/path", "reg.example.com:5000")]
    [TestCase("127.0.0.1:5999", "127.0.0.1:5999")]
    public void Servers_are_normalized_to_a_host(string server, string host)
    {
        Assert.That(RegistryAuthSelector.NormalizeHost(server), Is.EqualTo(host));
    }
}
