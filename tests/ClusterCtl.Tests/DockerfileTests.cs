namespace ClusterCtl.Tests;

/// <summary>
/// The image recipe against the release script, read as a reviewer would: no registry is reachable where the tests run,
/// so the image itself is not built here; what it builds and copies must be what a release ships.
/// </summary>
public class DockerfileTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(RepositorySources.Root(), "Dockerfile"));
    private static readonly string BuildScript = File.ReadAllText(Path.Combine(RepositorySources.Root(), "build.sh"));

    [Test]
    public void The_build_stage_builds_the_native_binary_with_the_release_script()
    {
        var build = Stage("build");

        Assert.That(build, Has.Some.Contains("./build.sh native linux-x64"));
        Assert.That(build, Has.Some.Contains("clang").And.Some.Contains("zlib1g-dev"), "the packages the native link needs");
    }

    [Test]
    public void The_image_ships_the_file_the_release_script_writes_and_runs_it()
    {
        var copy = Lines.Single(l => l.StartsWith("COPY --from=build", StringComparison.Ordinal)).Split(' ');

        Assert.That(BuildScript, Does.Contain("out=artifacts/native/$rid"));
        Assert.That(copy[2], Is.EqualTo("/src/artifacts/native/linux-x64/clusterctl"));
        Assert.That(Lines, Has.Some.EqualTo($"ENTRYPOINT [\"{copy[3]}\"]"));
    }

    [Test]
    public void The_image_has_the_ssh_client_and_runs_as_a_user()
    {
        var runtime = Lines.SkipWhile(l => !l.StartsWith("COPY --from=build", StringComparison.Ordinal)).ToList();

        Assert.That(Lines, Has.Some.Contains("openssh-client"), "clusterctl reaches the nodes through the system ssh");
        Assert.That(runtime, Has.Some.Matches(@"^USER \w+"));
        Assert.That(runtime, Has.None.Matches(@"^USER root"));
    }

    private static List<string> Stage(string name) =>
        [.. Lines.SkipWhile(l => !l.EndsWith(" AS " + name, StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal))];
}
