using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ClusterCtl.Tests.Docker;

internal sealed record FakeRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Path => PathAndQuery.Split('?')[0];

    public string Query => PathAndQuery.Contains('?', StringComparison.Ordinal) ? PathAndQuery[(PathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>A boolean query parameter as dockerd reads it: "1" and "true" in any case are true.</summary>
    public bool QueryFlag(string name) => QueryValue(name) is { } value && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    public string? QueryValue(string name) =>
        Query.Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : "")).FirstOrDefault();
}

internal sealed record FakeResponse(int Status, byte[] Body, string ContentType = "application/json")
{
    public FakeResponse(int status, string body = "", string contentType = "application/json")
        : this(status, Encoding.UTF8.GetBytes(body), contentType)
    {
    }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// An answer a fake daemon holds back, standing in for a daemon that has taken a request and hangs. <see cref="Asked"/>
/// tells the test the request arrived, so it can act on that instead of sleeping; disposing lets the answer go, so no
/// handler outlives the test.
/// </summary>
internal sealed class HeldAnswer : IDisposable
{
    private readonly TaskCompletionSource<FakeResponse> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<FakeResponse> Take()
    {
        Asked.TrySetResult();
        return _answer.Task;
    }

    public void Dispose() => _answer.TrySetResult(new FakeResponse(204));
}

/// <summary>
/// A minimal HTTP/1.1 server on a unix socket in the temp directory, standing in for dockerd so the
/// client's wire behaviour (paths, headers, error mapping) is tested without docker or a network.
/// One request per connection; the answer says "Connection: close".
/// </summary>
internal sealed class FakeDockerDaemon : IAsyncDisposable
{
    private readonly Func<FakeRequest, Task<FakeResponse>> _handler;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public FakeDockerDaemon(Func<FakeRequest, Task<FakeResponse>> handler)
    {
        _handler = handler;
        SocketPath = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cctl-fake-docker-{Guid.NewGuid():N}.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _acceptLoop = AcceptLoopAsync();
    }

    public FakeDockerDaemon(Func<FakeRequest, FakeResponse> handler)
        : this(request => Task.FromResult(handler(request)))
    {
    }

    public string SocketPath { get; }

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>A ping and version answer, as a daemon speaking <paramref name="apiVersion"/> gives them.</summary>
    public static FakeResponse? Negotiation(FakeRequest request, string apiVersion) => request.Path switch
    {
        "/_ping" => new FakeResponse(200, "OK", "text/plain") { Headers = new Dictionary<string, string> { ["Api-Version"] = apiVersion } },
        "/version" => new FakeResponse(200,
            $$"""{"Version":"99.0.0","ApiVersion":"{{apiVersion}}","MinAPIVersion":"1.12","Os":"linux","Arch":"amd64","KernelVersion":"6.1.0"}"""),
        _ => null,
    };

    /// <summary>
    /// A minimal inspect of any container (no TTY), for handlers whose test is not about inspecting: the library
    /// inspects a container before it reads its logs, to know whether they are multiplexed.
    /// </summary>
    public static FakeResponse? AnyContainerInspect(FakeRequest request) =>
        request.Method == "GET" && request.Path.Split('/') is [_, _, "containers", var id, "json"] && id != "json"
            ? new FakeResponse(200, $$$"""{"Id":"{{{id}}}","Config":{"Tty":false}}""")
            : null;

    /// <summary>An archive answer as dockerd sends it: the tar, and the path's stat in a header the library requires.</summary>
    public static FakeResponse Archive(string name, byte[] tar) =>
        new(200, tar, "application/x-tar")
        {
            Headers = new Dictionary<string, string>
            {
                ["X-Docker-Container-Path-Stat"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(
                    $$$"""{"name":"{{{name}}}","size":{{{tar.Length}}},"mode":420,"mtime":"2026-12-01T00:00:00Z","linkTarget":""}""")),
            },
        };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }

        _stop.Dispose();
        File.Delete(SocketPath);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var connection = await _listener.AcceptAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(connection));
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using (connection)
        {
            await using var stream = new NetworkStream(connection, ownsSocket: false);
            try
            {
                var request = await ReadRequestAsync(stream);
                Requests.Enqueue(request);
                var response = await _handler(request);
                await WriteResponseAsync(stream, response);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The client went away (e.g. a timeout test); nothing to answer.
            }
        }
    }

    private static async Task<FakeRequest> ReadRequestAsync(Stream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("the client closed before sending a request");
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);

        var body = new MemoryStream();
        if (headers.TryGetValue("Content-Length", out var length))
        {
            await CopyExactlyAsync(stream, body, long.Parse(length, CultureInfo.InvariantCulture));
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                var sizeLine = await ReadLineAsync(stream);
                var size = long.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    await ReadLineAsync(stream);
                    break;
                }

                await CopyExactlyAsync(stream, body, size);
                await ReadLineAsync(stream);
            }
        }

        return new FakeRequest(requestLine[0], requestLine[1], headers, body.ToArray());
    }

    private static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            if (one[0] == '\n')
            {
                break;
            }

            if (one[0] != '\r')
            {
                line.Append((char)one[0]);
            }
        }

        return line.ToString();
    }

    private static async Task CopyExactlyAsync(Stream source, Stream destination, long count)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)));
            if (read == 0)
            {
                throw new IOException("the request body ended early");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read));
            count -= read;
        }
    }

    private static async Task WriteResponseAsync(Stream stream, FakeResponse response)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} Fake\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {response.ContentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {response.Body.Length}\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in response.Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(response.Body);
    }
}
