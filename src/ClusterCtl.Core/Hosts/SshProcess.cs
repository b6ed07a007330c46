using System.ComponentModel;
using System.Diagnostics;

namespace ClusterCtl.Hosts;

/// <summary>Finds and starts the OpenSSH client with a fixed, predictable environment.</summary>
internal static class SshProcess
{
    /// <summary>The ssh executable as a full path (the bastion's ProxyCommand must run the same one), or null when there is none.</summary>
    public static string? Locate(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (nameOrPath.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(nameOrPath) ? Path.GetFullPath(nameOrPath) : null;
        }

        var searchPath = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        return searchPath
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, nameOrPath))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Starts a long-lived ssh (the master). It runs in a session of its own (setsid) so that
    /// Ctrl+C in the terminal reaches only clusterctl: on Ctrl+C we still need the tunnels to
    /// remove our helper containers, and we close them ourselves afterwards. It is tied to
    /// clusterctl (<see cref="TiedProcessStarter"/>), so a kill -9 of clusterctl ends it too.
    /// setpriv goes first: were setsid to fork, its child would merely lose the death signal.
    /// </summary>
    public static Task<Process> StartDetachedAsync(string sshPath, IReadOnlyList<string> arguments)
    {
        var setsid = Locate("setsid");
        var command = TiedProcessStarter.TiedCommand(setsid ?? sshPath, setsid is null ? arguments : [sshPath, .. arguments]);
        return TiedProcessStarter.StartAsync(() => Start(command[0], command.Skip(1).ToList()));
    }

    /// <summary>Runs a short ssh command (a control request, ssh -G) to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stderr, string Stdout)> RunAsync(string sshPath, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = Start(sshPath, arguments);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            return (process.ExitCode, await stderr, await stdout);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        finally
        {
            // Observe the readers so a cancelled read does not surface as an unobserved exception.
            await Task.WhenAll(stderr, stdout).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static Process Start(string fileName, IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // ssh's messages go through strerror: keep them in English so the classifier can read them.
        startInfo.Environment["LC_ALL"] = "C";
        // ssh runs ProxyCommand with $SHELL -c; our quoting is for a POSIX shell, not fish or csh.
        startInfo.Environment["SHELL"] = "/bin/sh";

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{fileName} did not start");
        }
        catch (Win32Exception e)
        {
            throw new FileNotFoundException($"cannot run {fileName}: {e.Message}", fileName, e);
        }

        // ssh must never wait for input from us (BatchMode covers prompts; this covers the rest).
        process.StandardInput.Close();
        return process;
    }
}
