using System.Buffers.Binary;
using System.Text;
using ClusterCtl.Docker;
using ClusterCtl.Testing;

namespace ClusterCtl.Tests.Docker;

public class MultiplexedStreamReaderTests
{
    [Test]
    public async Task Frames_are_split_by_stream_kind()
    {
        var stream = Frames((1, "out one\n"), (2, "err one\n"), (1, "out two\n"));

        var captured = await ReadAllAsync(stream, bufferSize: 1024);

        Assert.That(captured, Is.EqualTo(new[]
        {
            (StdStreamKind.Stdout, "out one\n"),
            (StdStreamKind.Stderr, "err one\n"),
            (StdStreamKind.Stdout, "out two\n"),
        }));
    }

    [Test]
    public async Task Stdin_and_system_error_kinds_are_recognized()
    {
        var captured = await ReadAllAsync(Frames((0, "in"), (3, "daemon says no")), bufferSize: 1024);

        Assert.That(captured, Is.EqualTo(new[] { (StdStreamKind.Stdin, "in"), (StdStreamKind.SystemError, "daemon says no") }));
    }

    [Test]
    public async Task Frames_arriving_one_byte_at_a_time_are_reassembled()
    {
        var stream = new UnseekableReadStream(Frames((1, "hello "), (2, "world")).ToArray(), maxBytesPerRead: 1);

        var captured = await ReadAllAsync(stream, bufferSize: 1024);

        Assert.That(Joined(captured, StdStreamKind.Stdout), Is.EqualTo("hello "));
        Assert.That(Joined(captured, StdStreamKind.Stderr), Is.EqualTo("world"));
    }

    [Test]
    public async Task A_frame_larger_than_the_buffer_comes_out_in_chunks_of_the_same_kind()
    {
        var payload = new string('x', 10_000);

        var captured = await ReadAllAsync(Frames((2, payload)), bufferSize: 4096);

        Assert.That(captured.Select(c => c.Kind), Is.All.EqualTo(StdStreamKind.Stderr));
        Assert.That(captured, Has.Count.EqualTo(3));
        Assert.That(Joined(captured, StdStreamKind.Stderr), Is.EqualTo(payload));
    }

    [Test]
    public async Task Zero_length_frames_are_skipped()
    {
        var captured = await ReadAllAsync(Frames((1, ""), (2, ""), (1, "after")), bufferSize: 16);

        Assert.That(captured, Is.EqualTo(new[] { (StdStreamKind.Stdout, "after") }));
    }

    [Test]
    public async Task An_empty_stream_has_no_frames()
    {
        var captured = await ReadAllAsync(new MemoryStream(), bufferSize: 16);

        Assert.That(captured, Is.Empty);
    }

    [Test]
    public void A_truncated_header_is_an_error()
    {
        var bytes = Frames((1, "ok")).ToArray().Concat(new byte[] { 1, 0, 0 }).ToArray();

        var error = Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(new MemoryStream(bytes), bufferSize: 16));

        Assert.That(error.Message, Does.Contain("frame header"));
    }

    [Test]
    public void A_truncated_payload_is_an_error()
    {
        var bytes = Frames((1, "complete payload")).ToArray()[..12];

        var error = Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(new MemoryStream(bytes), bufferSize: 16));

        Assert.That(error.Message, Does.Contain("bytes short"));
    }

    [Test]
    public void A_raw_tty_stream_is_rejected_instead_of_misread()
    {
        var raw = new MemoryStream(Encoding.UTF8.GetBytes("plain text output from a tty\n"));

        var error = Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(raw, bufferSize: 16));

        Assert.That(error.Message, Does.Contain("TTY"));
    }

    private static MemoryStream Frames(params (byte Kind, string Text)[] frames)
    {
        var stream = new MemoryStream();
        foreach (var (kind, text) in frames)
        {
            var payload = Encoding.UTF8.GetBytes(text);
            var header = new byte[MultiplexedStreamReader.HeaderLength];
            header[0] = kind;
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
            stream.Write(header);
            stream.Write(payload);
        }

        stream.Position = 0;
        return stream;
    }

    private static async Task<List<(StdStreamKind Kind, string Text)>> ReadAllAsync(Stream stream, int bufferSize)
    {
        var reader = new MultiplexedStreamReader(stream);
        var buffer = new byte[bufferSize];
        var chunks = new List<(StdStreamKind, string)>();
        while (await reader.ReadAsync(buffer, CancellationToken.None) is { } chunk)
        {
            chunks.Add((chunk.Kind, Encoding.UTF8.GetString(buffer, 0, chunk.Length)));
        }

        return chunks;
    }

    private static string Joined(IEnumerable<(StdStreamKind Kind, string Text)> chunks, StdStreamKind kind) =>
        string.Concat(chunks.Where(c => c.Kind == kind).Select(c => c.Text));
}
