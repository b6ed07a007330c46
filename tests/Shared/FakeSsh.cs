using System.Runtime.Versioning;

namespace ClusterCtl.Testing;

/// <summary>A stand-in "ssh" (a shell script) so tunnel handling can be tested without a network or sshd.</summary>
[UnsupportedOSPlatform("windows")]
internal sealed class FakeSsh : IDisposable
{
    private readonly string _directory;

    private FakeSsh(string directory, string path)
    {
        _directory = directory;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Appended to on every run: one line with the fake's pid.</summary>
    public string RunLog => System.IO.Path.Combine(_directory, "runs");

    public IReadOnlyList<int> Runs => File.Exists(RunLog) ? File.ReadAllLines(RunLog).Select(int.Parse).ToList() : [];

    /// <summary>Prints <paramref name="stderr"/> the way ssh does (CRLF) and exits 255.</summary>
    public static FakeSsh Failing(string stderr) =>
        Create($"printf '%s\\r\\n' {string.Join(' ', stderr.Split('\n').Select(Quote))} >&2\nexit 255");

    /// <summary>Never connects and never exits, like ssh waiting on a silent network.</summary>
    public static FakeSsh Hanging() => Create("exec sleep 600");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static FakeSsh Create(string body)
    {
        var directory = Directory.CreateTempSubdirectory("cctl-fakessh-").FullName;
        var path = System.IO.Path.Combine(directory, "ssh");
        // "ssh -G" (the cipher preference asks it what it would offer) prints nothing here and is not counted as a run.
        File.WriteAllText(path, $"#!/bin/sh\n[ \"$1\" = -G ] && exit 0\necho $$ >> '{directory}/runs'\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new FakeSsh(directory, path);
    }

    private static string Quote(string line) => "'" + line.Replace("'", @"'\''", StringComparison.Ordinal) + "'";
}
