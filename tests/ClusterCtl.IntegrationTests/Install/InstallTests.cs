using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using ClusterCtl.Testing;

namespace ClusterCtl.IntegrationTests.Install;

/// <summary>
/// What the README's install section produces, installed as a user would and run on the testbed's cluster.yml:
/// the release tarball and the dotnet tool, both made by build.sh (test.sh runs <c>./build.sh release</c> and <c>./build.sh tool</c> first).
/// </summary>
public class InstallTests
{
    private static readonly string Dist = Path.Combine(Testbed.RepositoryRoot(), "dist");

    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("clusterctl-install-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void The_tests_that_run_clusterctl_run_the_native_binary_in_CI()
    {
        if (Environment.GetEnvironmentVariable("CI") is not { Length: > 0 })
        {
            Assert.Pass("outside CI the tests may run the framework-dependent build");
        }

        Assert.That(ClusterCtlRunner.ExecutablePath, Does.EndWith("artifacts/native/linux-x64/clusterctl"));
    }

    [Test]
    public async Task The_release_tarball_holds_a_native_binary_that_checks_the_testbeds_config()
    {
        var tarball = Single("clusterctl-*-linux-x64.tar.gz");
        var recorded = (await File.ReadAllTextAsync(tarball + ".sha256")).Split(' ')[0];
        await using (var stream = File.OpenRead(tarball))
        {
            Assert.That(Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)), Is.EqualTo(recorded), "the .sha256 beside the tarball");
        }

        await using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        {
            await TarFile.ExtractToDirectoryAsync(gzip, _directory, overwriteFiles: false);
        }

        var folder = Directory.GetDirectories(_directory).Single();
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "clusterctl", "README.md", "LICENSE" }));
        var binary = Path.Combine(folder, "clusterctl");

        var version = await ClusterCtlRunner.RunExecutableAsync(binary, ["version", "--output", "json"]);
        Assert.That(version.ExitCode, Is.Zero, version.ToString());
        using var json = JsonDocument.Parse(version.Stdout);
        Assert.That(json.RootElement.GetProperty("build").GetString(), Is.EqualTo("native"));
        Assert.That(json.RootElement.GetProperty("commit").GetString(), Does.Match("^[0-9a-f]{12}$"));
        await AssertChecksTestbedConfigAsync(binary);
    }

    [Test]
    public async Task The_dotnet_tool_installs_and_checks_the_testbeds_config()
    {
        var package = Single("clusterctl.*.nupkg");
        var toolPath = Path.Combine(_directory, "tools");
        var version = Path.GetFileNameWithoutExtension(package)["clusterctl.".Length..];

        var install = Process.Start(new ProcessStartInfo("dotnet", ["tool", "install", "clusterctl", "--tool-path", toolPath, "--add-source", Dist, "--version", version])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await install.StandardOutput.ReadToEndAsync() + await install.StandardError.ReadToEndAsync();
        await install.WaitForExitAsync();
        Assert.That(install.ExitCode, Is.Zero, output);

        var tool = Path.Combine(toolPath, "clusterctl");
        var printed = await ClusterCtlRunner.RunExecutableAsync(tool, ["version"]);
        Assert.That(printed.ExitCode, Is.Zero, printed.ToString());
        Assert.That(printed.Stdout, Does.StartWith($"clusterctl {version} "));
        await AssertChecksTestbedConfigAsync(tool);
    }

    private static async Task AssertChecksTestbedConfigAsync(string executable)
    {
        var check = await ClusterCtlRunner.RunExecutableAsync(executable, ["config", "check", "--config", Testbed.ClusterYml]);

        Assert.That(check.ExitCode, Is.Zero, check.ToString());
        Assert.That(check.Stdout, Does.Contain("valid").And.Contain(Testbed.NodeAddress(1)));
    }

    private static string Single(string pattern) =>
        Directory.Exists(Dist) && Directory.GetFiles(Dist, pattern) is [var file]
            ? file
            : throw new AssertionException($"expected one {pattern} in {Dist}; run ./build.sh release and ./build.sh tool first");
}
