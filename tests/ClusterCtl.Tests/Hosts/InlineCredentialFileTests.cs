using System.Runtime.Versioning;
using ClusterCtl.Hosts;

namespace ClusterCtl.Tests.Hosts;

[UnsupportedOSPlatform("windows")]
public class InlineCredentialFileTests
{
    private const string Key = "-----BEGIN OPENSSH PRIVATE KEY-----\r\nAAAA\r\n-----END OPENSSH PRIVATE KEY-----";
    private SshRuntimeDirectory _runtime = null!;

    [SetUp]
    public void CreateRuntimeDirectory() => _runtime = SshRuntimeDirectory.Create(Path.GetTempPath());

    [TearDown]
    public void RemoveRuntimeDirectory() => _runtime.Dispose();

    [Test]
    public void An_inline_key_is_written_readable_only_by_the_user()
    {
        using var file = InlineCredentialFile.WritePrivateKey(_runtime, Key);

        Assert.That(File.GetUnixFileMode(file.Path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(Path.GetDirectoryName(file.Path), Is.EqualTo(_runtime.Path));
    }

    [Test]
    public void The_key_gets_unix_line_endings_and_a_final_newline_as_openssh_requires()
    {
        using var file = InlineCredentialFile.WritePrivateKey(_runtime, Key);

        Assert.That(File.ReadAllText(file.Path), Is.EqualTo("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"));
    }

    [Test]
    public void Disposing_deletes_the_file()
    {
        var file = InlineCredentialFile.WriteCertificate(_runtime, "ssh-ed25519-cert-v01@openssh.com AAAA");

        file.Dispose();
        file.Dispose();

        Assert.That(File.Exists(file.Path), Is.False);
    }

    [Test]
    public void Disposing_after_the_runtime_directory_went_is_quiet()
    {
        var runtime = SshRuntimeDirectory.Create(Path.GetTempPath());
        var file = InlineCredentialFile.WritePrivateKey(runtime, Key);
        runtime.Dispose();

        Assert.That(file.Dispose, Throws.Nothing);
    }

    [Test]
    public void Key_and_certificate_files_get_distinct_names()
    {
        using var key = InlineCredentialFile.WritePrivateKey(_runtime, Key);
        using var certificate = InlineCredentialFile.WriteCertificate(_runtime, "ssh-ed25519-cert-v01@openssh.com AAAA");

        Assert.That(key.Path, Is.Not.EqualTo(certificate.Path));
    }

    [Test]
    public void An_empty_inline_key_is_a_config_error()
    {
        Assert.That(() => InlineCredentialFile.WritePrivateKey(_runtime, "  "),
            Throws.InstanceOf<ClusterCtlException>().With.Property(nameof(ClusterCtlException.ExitCode)).EqualTo(ExitCodes.InvalidInput));
    }
}
