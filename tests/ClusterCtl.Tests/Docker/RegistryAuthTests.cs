using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

public class RegistryAuthTests
{
    [Test]
    public void ToString_never_shows_the_password()
    {
        var auth = new RegistryAuth("registry.example.com", "deployer", "hunter2-very-secret");

        Assert.That(auth.ToString(), Does.Not.Contain("hunter2"));
        Assert.That($"{auth}", Does.Contain("deployer").And.Contain("registry.example.com").And.Contain("***"));
    }
}
