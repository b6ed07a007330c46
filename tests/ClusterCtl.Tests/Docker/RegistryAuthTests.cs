using System.Text;
using System.Text.Json;
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

    [Test]
    public void Header_value_is_url_safe_base64_of_the_daemon_json()
    {
        // Characters chosen so that standard base64 would contain '+' and '/'.
        var auth = new RegistryAuth("127.0.0.1:5999", "user>>>", "p?ss~~~word");

        var header = auth.ToHeaderValue();

        Assert.That(header, Does.Not.Contain("+").And.Not.Contain("/"));
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(header.Replace('-', '+').Replace('_', '/')));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.That(root.GetProperty("username").GetString(), Is.EqualTo("user>>>"));
        Assert.That(root.GetProperty("password").GetString(), Is.EqualTo("p?ss~~~word"));
        Assert.That(root.GetProperty("serveraddress").GetString(), Is.EqualTo("127.0.0.1:5999"));
        Assert.That(root.EnumerateObject().Count(), Is.EqualTo(3));
    }

    [Test]
    public void Header_value_keeps_base64_padding_for_daemons_that_require_it()
    {
        var header = new RegistryAuth("r", "u", "p").ToHeaderValue();

        Assert.That(header.Length % 4, Is.Zero);
    }
}
