using System.Buffers;
using System.IO.Pipelines;
using ClusterCtl.Storage;
using ClusterCtl.Testing;

namespace ClusterCtl.StreamBench;

/// <summary>
/// (c) One writer handing the same bytes, in the 8 KiB writes a DeflateStream makes, to three readers, each with
/// its own bounded buffer of 2 MiB: our <see cref="FanOutChannel"/> (four 512 KiB chunks) against a <see cref="Pipe"/>
/// per reader (pausing the writer at 2 MiB), once flushing every write and once every 512 KiB. The same driver runs
/// both, so only the buffer differs; the whole <see cref="FanOutStream"/> (which adds detaching and error reports on
/// top of its channels) is the reference.
/// </summary>
internal static class FanOutComparison
{
    private const int Readers = 3;
    private const int WriteSize = 8 * 1024;
    private const int ChunkSize = FanOutStream.DefaultChunkSize;
    private const int Chunks = FanOutStream.DefaultChunksPerDestination;

    public static async Task<IReadOnlyList<Row>> RunAsync(Payload payload, int runs, TextWriter log)
    {
        var data = payload.Db;
        return await Measure.CompareAsync("fan-out to 3 readers, 8 KiB writes", data.Length, runs,
        [
            new("ours: FanOutChannel ×3", () => DriveAsync(data, () => new ChannelLane())),
            new("Pipe ×3, flush every write", () => DriveAsync(data, () => new PipeLane(flushEvery: 0))),
            new("Pipe ×3, flush every 512 KiB", () => DriveAsync(data, () => new PipeLane(flushEvery: ChunkSize))),
            new("ours: whole FanOutStream (reference)", () => FanOutStreamAsync(data)),
        ], log);
    }

    private interface ILane
    {
        Stream Reader { get; }

        ValueTask WriteAsync(ReadOnlyMemory<byte> data);

        ValueTask CompleteAsync();

        void Close();
    }

    private static async Task DriveAsync(byte[] data, Func<ILane> newLane)
    {
        var lanes = Enumerable.Range(0, Readers).Select(_ => newLane()).ToArray();
        var sinks = lanes.Select(_ => new CountingStream()).ToArray();
        var readers = lanes.Select((lane, i) => Task.Run(async () =>
        {
            try
            {
                await lane.Reader.CopyToAsync(sinks[i]);
            }
            finally
            {
                lane.Close();
            }
        })).ToArray();

        for (var offset = 0; offset < data.Length; offset += WriteSize)
        {
            var piece = data.AsMemory(offset, Math.Min(WriteSize, data.Length - offset));
            foreach (var lane in lanes)
            {
                await lane.WriteAsync(piece);
            }
        }

        foreach (var lane in lanes)
        {
            await lane.CompleteAsync();
        }

        await Task.WhenAll(readers);
        Expect(data.Length, sinks);
    }

    private static async Task FanOutStreamAsync(byte[] data)
    {
        var sinks = Enumerable.Range(0, Readers).Select(_ => new CountingStream()).ToArray();
        await using var fanOut = new FanOutStream(sinks.Select((s, i) => FanOutDestination.WritingTo($"reader {i}", s)), CancellationToken.None);
        for (var offset = 0; offset < data.Length; offset += WriteSize)
        {
            await fanOut.WriteAsync(data.AsMemory(offset, Math.Min(WriteSize, data.Length - offset)));
        }

        var results = await fanOut.CompleteAsync(CancellationToken.None);
        if (results.FirstOrDefault(r => !r.Succeeded) is { } failed)
        {
            throw new InvalidOperationException($"{failed.Name} failed: {failed.Error!.Message}");
        }

        Expect(data.Length, sinks);
    }

    private static void Expect(long length, CountingStream[] sinks)
    {
        if (sinks.Any(s => s.Count != length))
        {
            throw new InvalidOperationException($"a reader got {sinks.Min(s => s.Count)} of {length} bytes");
        }
    }

    private sealed class ChannelLane : ILane
    {
        private readonly FanOutChannel _channel = new(ChunkSize, Chunks);

        public Stream Reader => _channel.Reader;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data) => _channel.WriteAsync(data, CancellationToken.None);

        public ValueTask CompleteAsync()
        {
            _channel.Complete(null);
            return ValueTask.CompletedTask;
        }

        public void Close() => _channel.Close();
    }

    /// <summary>A Pipe in FanOutChannel's place: the pause threshold is the bound, a completed reader refuses further writes.</summary>
    private sealed class PipeLane : ILane
    {
        private readonly Pipe _pipe = new(new PipeOptions(
            pauseWriterThreshold: ChunkSize * Chunks, resumeWriterThreshold: ChunkSize * Chunks / 2, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));

        private readonly int _flushEvery;
        private int _unflushed;

        public PipeLane(int flushEvery)
        {
            _flushEvery = flushEvery;
            Reader = _pipe.Reader.AsStream();
        }

        public Stream Reader { get; }

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data)
        {
            _pipe.Writer.Write(data.Span);
            _unflushed += data.Length;
            if (_unflushed >= _flushEvery)
            {
                _unflushed = 0;
                if ((await _pipe.Writer.FlushAsync()).IsCompleted)
                {
                    throw new IOException("the reader stopped");
                }
            }
        }

        public async ValueTask CompleteAsync() => await _pipe.Writer.CompleteAsync();

        public void Close() => _pipe.Reader.Complete();
    }
}
