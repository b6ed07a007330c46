using System.Diagnostics;
using System.Globalization;

namespace ClusterCtl.Bench;

/// <summary>What one command did: exit code, output, wall time and, when asked for, its peak resident memory.</summary>
internal sealed record ShellResult(string Command, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, long? PeakRssBytes)
{
    public bool Succeeded => ExitCode == 0;

    public void EnsureSucceeded(string what)
    {
        if (!Succeeded)
        {
            var last = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";
            throw new BenchException($"{what} failed with exit code {ExitCode}: {last}");
        }
    }
}

/// <summary>Runs commands the way a person would from a shell, timing them from start to exit.</summary>
internal static class Shell
{
    /// <summary>GNU time's "maximum resident set size" of the command, in KiB (the Debian package 'time').</summary>
    private const string GnuTime = "/usr/bin/time";

    public static async Task<ShellResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        bool measurePeakRss = false, CancellationToken cancellationToken = default)
    {
        var rssFile = measurePeakRss ? Path.GetTempFileName() : null;
        var start = new ProcessStartInfo(rssFile is null ? fileName : GnuTime)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (rssFile is not null)
        {
            foreach (var argument in (string[])["-f", "%M", "-o", rssFile, fileName])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var command = string.Join(' ', [Path.GetFileName(fileName), .. arguments]);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new BenchException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var elapsed = clock.Elapsed;
        long? peak = null;
        if (rssFile is not null)
        {
            // GNU time writes "Command exited with non-zero status N" before the figure when the command fails.
            var lastLine = File.ReadAllLines(rssFile).LastOrDefault(l => l.Length > 0);
            peak = long.TryParse(lastLine, NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : null;
            File.Delete(rssFile);
        }

        return new ShellResult(command, process.ExitCode, await stdout, await stderr, elapsed, peak);
    }
}
