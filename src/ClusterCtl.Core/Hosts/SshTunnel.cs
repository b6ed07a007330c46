using System.Diagnostics;
using Serilog;

namespace ClusterCtl.Hosts;

/// <summary>
/// One host's SSH master connection and its forwarded Docker socket. Opened ready to use:
/// authenticated, forward set up, and Docker answering through it. Closing it ends the master.
/// </summary>
internal sealed class SshTunnel : IAsyncDisposable
{
    // ControlMaster first binds "<path>.<16 random chars>" and renames it into place.
    private const int ControlSocketSuffixBytes = 17;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan StderrGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    private readonly SshClientOptions _options;
    private readonly ILogger _logger;
    private readonly string _sshPath;
    private readonly string _controlSocket;
    private readonly Process _process;
    private readonly SshStderrCollector _stderr;
    private readonly Task _stdoutDrain;
    private volatile bool _ready;
    private int _disposed;

    private SshTunnel(SshEndpoint endpoint, SshClientOptions options, ILogger logger, string sshPath, string controlSocket, string localDockerSocket, Process process)
    {
        Endpoint = endpoint;
        _options = options;
        _logger = logger;
        _sshPath = sshPath;
        _controlSocket = controlSocket;
        LocalDockerSocket = localDockerSocket;
        _process = process;
        _stderr = new SshStderrCollector(process.StandardError, OnStderrLine);
        // ssh -N writes nothing to stdout; drain it anyway so it can never block on a full pipe.
        _stdoutDrain = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        process.EnableRaisingEvents = true;
        process.Exited += OnExited;
    }

    public SshEndpoint Endpoint { get; }

    /// <summary>The local unix socket that reaches the host's Docker daemon.</summary>
    public string LocalDockerSocket { get; }

    /// <summary>True once the master has gone (network cut, host rebooted, or closed): Docker calls through the tunnel then fail.</summary>
    public bool HasExited => Volatile.Read(ref _disposed) != 0 || _process.HasExited;

    public static async Task<SshTunnel> OpenAsync(SshEndpoint endpoint, SshClientOptions options, SshRuntimeDirectory runtimeDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtimeDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        cancellationToken.ThrowIfCancellationRequested();

        var sshPath = SshProcess.Locate(options.SshExecutable)
            ?? throw HostConnectionException.For(endpoint, new SshFailureDiagnosis(HostConnectionFailure.SshClientMissing, SshHop.Target, null), options);
        EnsureCredentialFilesReadable(endpoint, options);

        var slot = runtimeDirectory.AllocateSlot();
        var controlSocket = runtimeDirectory.SocketPath($"c{slot}", ControlSocketSuffixBytes);
        var localDockerSocket = runtimeDirectory.SocketPath($"d{slot}.sock");
        // A leftover file would look like a ready forward.
        File.Delete(controlSocket);
        File.Delete(localDockerSocket);
        var arguments = SshCommandLine.ForMaster(endpoint, options, sshPath, controlSocket, localDockerSocket);
        if (await SshCipherPreference.OptionForAsync(sshPath, arguments, cancellationToken) is { } ciphers)
        {
            arguments = ["-o", ciphers, .. arguments];
        }

        logger.Debug("Connecting to {Host}: {Ssh} {Arguments}", endpoint.DisplayName, sshPath, arguments);
        var stopwatch = Stopwatch.StartNew();
        Process process;
        try
        {
            process = await SshProcess.StartDetachedAsync(sshPath, arguments);
        }
        catch (FileNotFoundException e)
        {
            throw HostConnectionException.For(endpoint, new SshFailureDiagnosis(HostConnectionFailure.SshClientMissing, SshHop.Target, e.Message), options, e);
        }

        var tunnel = new SshTunnel(endpoint, options, logger, sshPath, controlSocket, localDockerSocket, process);
        try
        {
            await tunnel.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await tunnel.DisposeAsync();
            throw;
        }

        logger.Information("Connected to {Host} over SSH in {ElapsedMs} ms", endpoint.DisplayName, stopwatch.ElapsedMilliseconds);
        return tunnel;
    }

    /// <summary>Throws a one-line <see cref="HostConnectionException"/> when the master has gone, so callers can explain a failing Docker call.</summary>
    public void ThrowIfConnectionLost()
    {
        if (!HasExited)
        {
            return;
        }

        var evidence = SshErrorClassifier.Classify(_stderr.Text, ExitCodeOrNull()).Evidence;
        throw HostConnectionException.For(Endpoint, new SshFailureDiagnosis(HostConnectionFailure.ConnectionLost, SshHop.Target, evidence), _options);
    }

    /// <summary>Ends the master (politely, then by force) and removes its sockets. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _process.Exited -= OnExited;
        try
        {
            if (!_process.HasExited)
            {
                await StopMasterAsync();
            }

            await _stderr.DrainAsync(StderrGrace);
            await _stdoutDrain.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        finally
        {
            TryDelete(_controlSocket);
            TryDelete(LocalDockerSocket);
            _process.Dispose();
        }

        _logger.Debug("Closed the SSH connection to {Host}", Endpoint.DisplayName);
    }

    private static void EnsureCredentialFilesReadable(SshEndpoint endpoint, SshClientOptions options)
    {
        foreach (var (hopEndpoint, hop) in new[] { (endpoint, SshHop.Target), (endpoint.Bastion, SshHop.Bastion) })
        {
            if (hopEndpoint is null)
            {
                continue;
            }

            foreach (var file in new[] { hopEndpoint.IdentityFile, hopEndpoint.CertificateFile })
            {
                if (file is null)
                {
                    continue;
                }

                try
                {
                    using var stream = File.OpenRead(HomePath.ExpandToFull(file));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    var reason = e is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : "is not readable";
                    throw HostConnectionException.For(endpoint, new SshFailureDiagnosis(HostConnectionFailure.KeyFileUnreadable, hop, $"{file} {reason}"), options, e);
                }
            }
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var readyLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        readyLimit.CancelAfter(_options.ReadyTimeout);
        var stage = "ssh did not finish connecting and authenticating";
        try
        {
            _ready = await Polling.UntilAsync(
                async ct =>
                {
                    if (_process.HasExited)
                    {
                        throw await FailureOfExitedMasterAsync();
                    }

                    // The control socket appears just after the forward: wait for both so -O exit works on close.
                    if (!File.Exists(LocalDockerSocket) || !File.Exists(_controlSocket))
                    {
                        return false;
                    }

                    stage = "the Docker socket forward was set up but Docker did not answer through it";
                    return await ForwardedSocketProbe.ProbeAsync(LocalDockerSocket, ct) switch
                    {
                        ForwardProbeResult.Answered => true,
                        ForwardProbeResult.ClosedWithoutAnswer => throw await FailureOfRefusedForwardAsync(cancellationToken),
                        // ssh has just gone (or not quite started listening): look again.
                        _ => false,
                    };
                },
                ready => ready, PollInterval, Timeout.InfiniteTimeSpan, readyLimit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (_process.HasExited)
            {
                throw await FailureOfExitedMasterAsync();
            }

            var evidence = $"{stage} within {_options.ReadyTimeout.TotalSeconds:0}s";
            throw HostConnectionException.For(Endpoint, new SshFailureDiagnosis(HostConnectionFailure.Timeout, SshHop.Target, evidence), _options);
        }
    }

    private async Task<HostConnectionException> FailureOfExitedMasterAsync()
    {
        await _stderr.DrainAsync(StderrGrace);
        var stderr = _stderr.Text;
        _logger.Debug("ssh to {Host} exited with {ExitCode}: {Stderr}", Endpoint.DisplayName, ExitCodeOrNull(), stderr);
        return HostConnectionException.For(Endpoint, SshErrorClassifier.Classify(stderr, ExitCodeOrNull()), _options);
    }

    private async Task<HostConnectionException> FailureOfRefusedForwardAsync(CancellationToken cancellationToken)
    {
        // ssh prints "channel N: open failed: ..." as it drops our connection; give the line time to arrive.
        var sawRefusal = await _stderr.WaitForLineAsync(l => l.Contains("open failed", StringComparison.Ordinal), StderrGrace, cancellationToken);
        if (!sawRefusal && _process.HasExited)
        {
            // Not a refused channel: the master itself went away while we knocked.
            return await FailureOfExitedMasterAsync();
        }

        var diagnosis = SshErrorClassifier.Classify(_stderr.Text, null);
        if (diagnosis.Failure == HostConnectionFailure.Other)
        {
            diagnosis = new SshFailureDiagnosis(HostConnectionFailure.DockerSocketUnavailable, SshHop.Target, "the forwarded connection was closed without an answer");
        }

        if (diagnosis.Failure == HostConnectionFailure.DockerSocketUnavailable && !_process.HasExited)
        {
            diagnosis = await DockerSocketDiagnosis.DiagnoseAsync(_sshPath, Endpoint, _controlSocket, cancellationToken) ?? diagnosis;
        }

        _logger.Debug("Docker socket forward to {Host} was refused: {Stderr}", Endpoint.DisplayName, _stderr.Text);
        return HostConnectionException.For(Endpoint, diagnosis, _options);
    }

    private async Task StopMasterAsync()
    {
        if (File.Exists(_controlSocket))
        {
            try
            {
                await SshProcess.RunAsync(_sshPath, SshCommandLine.ForControlRequest(Endpoint, _controlSocket, "exit"), ShutdownGrace, CancellationToken.None);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                _logger.Debug(e, "ssh -O exit for {Host} failed; stopping the master by force", Endpoint.DisplayName);
            }

            using var grace = new CancellationTokenSource(ShutdownGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                // Still running: killed below.
            }
        }

        if (!_process.HasExited)
        {
            // The whole tree: the bastion's ProxyCommand ssh is a child of the master.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    private void OnStderrLine(string line)
    {
        if (line.StartsWith("Warning: Permanently added", StringComparison.Ordinal) && _options.HostKeyPolicy != HostKeyPolicy.Off)
        {
            _logger.Information("{Host}: first connection, host key recorded in known_hosts ({SshMessage})", Endpoint.DisplayName, line);
        }
        else if (_ready && Volatile.Read(ref _disposed) == 0)
        {
            // After the handshake ssh only speaks up about trouble: a refused channel, a dead connection.
            _logger.Warning("{Host}: ssh: {SshMessage}", Endpoint.DisplayName, line);
        }
        else
        {
            _logger.Debug("{Host}: ssh: {SshMessage}", Endpoint.DisplayName, line);
        }
    }

    private void OnExited(object? sender, EventArgs e)
    {
        if (_ready && Volatile.Read(ref _disposed) == 0)
        {
            _logger.Warning("The SSH connection to {Host} has closed; Docker calls to it will fail", Endpoint.DisplayName);
        }
    }

    private int? ExitCodeOrNull()
    {
        try
        {
            return _process.HasExited ? _process.ExitCode : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The runtime directory is removed at the end of the run anyway.
        }
    }
}
