using System.Globalization;
using System.Text.RegularExpressions;

namespace ClusterCtl.Hosts;

/// <summary>
/// Builds ssh argument vectors (never shell strings) for the master connection, its control
/// commands and the bastion hop. Pure, so the exact command lines are unit-tested.
/// </summary>
internal static partial class SshCommandLine
{
    public const string DevNull = "/dev/null";

    /// <summary>
    /// The master: one authenticated connection per host, carrying the Docker socket forward
    /// and serving later control commands (-O exit, diagnostics) through <paramref name="controlSocket"/>.
    /// </summary>
    public static IReadOnlyList<string> ForMaster(SshEndpoint endpoint, SshClientOptions options, string sshPath, string controlSocket, string localDockerSocket)
    {
        EnsureSafe(endpoint);
        var args = new List<string> { "-N", "-n", "-M", "-S", SshQuoting.PathArgument(controlSocket, "control socket") };
        AddOption(args, "ControlPersist", "no");
        // Without this a failed -L bind would leave a live master that forwards nothing.
        AddOption(args, "ExitOnForwardFailure", "yes");
        AddOption(args, "StreamLocalBindUnlink", "yes");
        AddConnectionOptions(args, options);
        AddHostKeyOptions(args, options);
        AddAuthenticationOptions(args, endpoint);
        if (endpoint.Bastion is { } bastion)
        {
            AddOption(args, "ProxyCommand", BastionProxyCommand(bastion, options, sshPath));
        }

        args.Add("-L");
        args.Add(SshQuoting.PathArgument(localDockerSocket, "local Docker socket") + ":" + SshQuoting.PathArgument(endpoint.RemoteDockerSocket, "docker_socket"));
        AddDestination(args, endpoint);
        return args;
    }

    /// <summary>A multiplexing control request to the running master, e.g. <c>exit</c> or <c>check</c>.</summary>
    public static IReadOnlyList<string> ForControlRequest(SshEndpoint endpoint, string controlSocket, string request)
    {
        EnsureSafe(endpoint);
        var args = new List<string> { "-S", SshQuoting.PathArgument(controlSocket, "control socket"), "-O", request };
        AddOption(args, "BatchMode", "yes");
        AddOption(args, "LogLevel", "QUIET");
        AddDestination(args, endpoint);
        return args;
    }

    /// <summary>
    /// A command run on the host through the already-authenticated master. ssh hands
    /// <paramref name="remoteShellCommand"/> to the remote user's shell, so it must already be quoted for sh.
    /// </summary>
    public static IReadOnlyList<string> ForRemoteCommand(SshEndpoint endpoint, string controlSocket, string remoteShellCommand)
    {
        EnsureSafe(endpoint);
        var args = new List<string> { "-S", SshQuoting.PathArgument(controlSocket, "control socket"), "-T", "-n" };
        // Never start a second connection if the master has gone: fail instead.
        AddOption(args, "ControlMaster", "no");
        AddOption(args, "BatchMode", "yes");
        AddOption(args, "LogLevel", "ERROR");
        AddDestination(args, endpoint);
        args.Add(remoteShellCommand);
        return args;
    }

    /// <summary>
    /// The bastion hop as a ProxyCommand. -J/ProxyJump cannot carry a per-hop identity file, port
    /// and host key settings without a config file, and a generated -F config would stop ssh from
    /// reading the user's ~/.ssh/config and /etc/ssh/ssh_config. So we spell the inner ssh out:
    /// every argument is %-escaped (ssh expands ProxyCommand tokens) and single-quoted (ssh runs
    /// it with $SHELL -c, which we pin to /bin/sh), except the %h/%p tokens we want expanded.
    /// Path values inside are escaped for the inner ssh first, so they are escaped twice.
    /// </summary>
    public static string BastionProxyCommand(SshEndpoint bastion, SshClientOptions options, string sshPath)
    {
        EnsureSafe(bastion, isBastion: true);
        var args = new List<string> { sshPath };
        AddConnectionOptions(args, options);
        AddHostKeyOptions(args, options);
        AddAuthenticationOptions(args, bastion);
        // The hop must not join or become someone's multiplexing master (ControlMaster auto in ~/.ssh/config).
        AddOption(args, "ControlMaster", "no");
        AddOption(args, "ControlPath", "none");
        args.Add("-p");
        args.Add(bastion.Port.ToString(CultureInfo.InvariantCulture));
        args.Add("-l");
        args.Add(bastion.User);
        var quoted = args.Select(a => SshQuoting.ShellQuote(SshQuoting.EscapePercent(a))).ToList();
        // Brackets keep IPv6 targets parseable; the quotes keep sh from globbing them.
        quoted.Add("-W");
        quoted.Add("'[%h]:%p'");
        quoted.Add(SshQuoting.ShellQuote(SshQuoting.EscapePercent(bastion.Address)));
        return string.Join(' ', quoted);
    }

    public static string StrictHostKeyCheckingValue(HostKeyPolicy policy) => policy switch
    {
        HostKeyPolicy.AcceptNew => "accept-new",
        HostKeyPolicy.Strict => "yes",
        HostKeyPolicy.Off => "no",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>
    /// Refuses values that could be taken as ssh options or break the -L syntax. The config
    /// layer validates cluster.yml; this is the last line of defence before a process starts.
    /// </summary>
    public static void EnsureSafe(SshEndpoint endpoint, bool isBastion = false)
    {
        var who = isBastion ? $"bastion host {endpoint.DisplayName}" : endpoint.DisplayName;
        if (string.IsNullOrWhiteSpace(endpoint.DisplayName))
        {
            throw Invalid("a host has an empty name");
        }

        if (!HostNamePattern().IsMatch(endpoint.Address))
        {
            throw Invalid($"{who}: address '{endpoint.Address}' is not a host name or IP address");
        }

        if (!UserNamePattern().IsMatch(endpoint.User))
        {
            throw Invalid($"{who}: user '{endpoint.User}' is not a valid user name");
        }

        if (endpoint.Port is < 1 or > 65535)
        {
            throw Invalid($"{who}: port {endpoint.Port} is out of range (1-65535)");
        }

        if (!isBastion && (!endpoint.RemoteDockerSocket.StartsWith('/') || endpoint.RemoteDockerSocket.Any(c => c == ':' || char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw Invalid($"{who}: docker_socket '{endpoint.RemoteDockerSocket}' must be an absolute path without ':' or spaces");
        }

        foreach (var (path, what) in new[] { (endpoint.IdentityFile, "ssh key file"), (endpoint.CertificateFile, "ssh certificate file") })
        {
            if (path is not null && (path.Length == 0 || path.Any(char.IsControl)))
            {
                throw Invalid($"{who}: {what} path '{path}' is empty or contains control characters");
            }
        }

        if (endpoint.Bastion is { } bastion)
        {
            if (isBastion)
            {
                throw Invalid($"{who}: a bastion cannot have a bastion of its own");
            }

            EnsureSafe(bastion, isBastion: true);
        }
    }

    private static void AddConnectionOptions(List<string> args, SshClientOptions options)
    {
        // Never prompt: there may be no terminal, and a prompt would hang a CI run.
        AddOption(args, "BatchMode", "yes");
        // INFO, not ERROR: channel open failures and "Permanently added" are logged at INFO,
        // and we need them to explain a refused Docker socket forward.
        AddOption(args, "LogLevel", "INFO");
        AddOption(args, "ConnectTimeout", ((int)Math.Ceiling(Math.Max(1, options.ConnectTimeout.TotalSeconds))).ToString(CultureInfo.InvariantCulture));
        AddOption(args, "ServerAliveInterval", "10");
        AddOption(args, "ServerAliveCountMax", "3");
        // We only forward one socket: nothing of the operator's should travel to cluster nodes.
        AddOption(args, "ForwardAgent", "no");
        AddOption(args, "ForwardX11", "no");
        AddOption(args, "PermitLocalCommand", "no");
    }

    private static void AddHostKeyOptions(List<string> args, SshClientOptions options)
    {
        AddOption(args, "StrictHostKeyChecking", StrictHostKeyCheckingValue(options.HostKeyPolicy));
        if (options.HostKeyPolicy == HostKeyPolicy.Off)
        {
            AddOption(args, "UserKnownHostsFile", DevNull);
            // A mismatching key in the global file would make ssh disable port forwarding
            // ("forwarding disabled due to host key check failure"), so ignore it too.
            AddOption(args, "GlobalKnownHostsFile", DevNull);
        }
        else if (options.KnownHostsFile is { } knownHosts)
        {
            AddOption(args, "UserKnownHostsFile", SshQuoting.OptionPath(HomePath.ExpandToFull(knownHosts), "known_hosts file"));
        }
    }

    private static void AddAuthenticationOptions(List<string> args, SshEndpoint endpoint)
    {
        if (endpoint.IdentityFile is { } identity)
        {
            // Not -i: ssh 9.2 stat()s an -i path before %-expanding it, so no escaping works there.
            AddOption(args, "IdentityFile", SshQuoting.OptionPath(HomePath.ExpandToFull(identity), "ssh key file"));
            if (!endpoint.UseAgent)
            {
                // Offer only this key: agent keys and ~/.ssh/id_* would count against MaxAuthTries.
                AddOption(args, "IdentitiesOnly", "yes");
            }
        }

        if (endpoint.CertificateFile is { } certificate)
        {
            AddOption(args, "CertificateFile", SshQuoting.OptionPath(HomePath.ExpandToFull(certificate), "ssh certificate file"));
        }
    }

    private static void AddDestination(List<string> args, SshEndpoint endpoint)
    {
        args.Add("-p");
        args.Add(endpoint.Port.ToString(CultureInfo.InvariantCulture));
        args.Add("-l");
        args.Add(endpoint.User);
        args.Add(endpoint.Address);
    }

    private static void AddOption(List<string> args, string name, string value)
    {
        args.Add("-o");
        args.Add(name + "=" + value);
    }

    private static ClusterCtlException Invalid(string message) => new(message, ExitCodes.InvalidInput);

    // Letters, digits, '.', '-', '_' and ':' (IPv6); never starting with '-' (it would be read as an option).
    [GeneratedRegex(@"^[A-Za-z0-9_.:][A-Za-z0-9_.:-]*$")]
    private static partial Regex HostNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.@-]*$")]
    private static partial Regex UserNamePattern();
}
