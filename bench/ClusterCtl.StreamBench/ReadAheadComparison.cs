using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using ClusterCtl.Storage;

namespace ClusterCtl.StreamBench;

/// <summary>
/// (b) Reading a source that arrives in 16 KiB pieces (as an HTTP body does) a few MiB ahead of a consumer that
/// hashes what it reads in 1 MiB reads: our <see cref="ReadAheadStream"/> (built on a Pipe since this bench's
/// finding, bench/streams.md) against a bare <see cref="Pipe"/> filled by a producer task, with the same memory bound
/// (4 MiB), read as a Stream (what our callers take; flushed every piece, or every 1 MiB as ours hands whole chunks)
/// and through the PipeReader itself, which saves the copy into the consumer's buffer. Reading without read-ahead is
/// the reference. A memory source shows what the buffering costs; a busy one (it hashes every piece, as a stand-in
/// for ssh's work) shows the overlap that read-ahead is for.
/// </summary>
internal static class ReadAheadComparison
{
    private const int Piece = 16 * 1024;
    private const int ReadSize = 1024 * 1024;
    private const int Bound = 4 * 1024 * 1024;

    public static async Task<IReadOnlyList<Row>> RunAsync(Payload payload, int runs, TextWriter log)
    {
        var rows = new List<Row>();
        foreach (var (label, busy) in new[] { ("read-ahead: memory source → SHA-256", false), ("read-ahead: busy source → SHA-256", true) })
        {
            var expected = payload.DbSha256;
            rows.AddRange(await Measure.CompareAsync(label, payload.Db.Length, runs,
            [
                new("no read-ahead (reference)", async () => Expect(expected, await HashStreamAsync(new PieceStream(payload.Db, Piece, busy)))),
                new("ours: ReadAheadStream on a Pipe (1 MiB chunks, 3 ahead)", async () =>
                {
                    await using var ahead = new ReadAheadStream(new PieceStream(payload.Db, Piece, busy));
                    Expect(expected, await HashStreamAsync(ahead));
                }),
                new("Pipe + producer task, read as Stream", async () =>
                {
                    var (pipe, producer) = StartPipe(new PieceStream(payload.Db, Piece, busy), flushEvery: 0);
                    await using var stream = pipe.Reader.AsStream();
                    Expect(expected, await HashStreamAsync(stream));
                    await producer;
                }),
                new("Pipe + producer task flushing per 1 MiB, read as Stream", async () =>
                {
                    var (pipe, producer) = StartPipe(new PieceStream(payload.Db, Piece, busy), flushEvery: ReadSize);
                    await using var stream = pipe.Reader.AsStream();
                    Expect(expected, await HashStreamAsync(stream));
                    await producer;
                }),
                new("Pipe + producer task, PipeReader in place", async () =>
                {
                    var (pipe, producer) = StartPipe(new PieceStream(payload.Db, Piece, busy), flushEvery: 0);
                    Expect(expected, await HashPipeAsync(pipe.Reader));
                    await producer;
                }),
            ], log));
        }

        return rows;
    }

    /// <summary>The Pipelines way to read ahead: a task copies the source into the pipe, whose pause threshold bounds memory.</summary>
    /// <param name="flushEvery">0: hand every piece to the reader at once; otherwise in batches of this many bytes, as ReadAheadStream hands whole chunks.</param>
    public static (Pipe Pipe, Task Producer) StartPipe(Stream source, int flushEvery)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: Bound, resumeWriterThreshold: Bound / 2, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
        var producer = Task.Run(async () =>
        {
            try
            {
                var unflushed = 0;
                while (true)
                {
                    var read = await source.ReadAsync(pipe.Writer.GetMemory(Piece));
                    if (read == 0)
                    {
                        break;
                    }

                    pipe.Writer.Advance(read);
                    unflushed += read;
                    if (unflushed >= flushEvery)
                    {
                        unflushed = 0;
                        if ((await pipe.Writer.FlushAsync()).IsCompleted)
                        {
                            break;
                        }
                    }
                }

                await pipe.Writer.CompleteAsync();
            }
#pragma warning disable CA1031 // handed to the reader, as ReadAheadStream does
            catch (Exception e)
#pragma warning restore CA1031
            {
                await pipe.Writer.CompleteAsync(e);
            }
        });
        return (pipe, producer);
    }

    private static async Task<string> HashStreamAsync(Stream source)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ReadSize))) > 0)
            {
                sha256.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }

    private static async Task<string> HashPipeAsync(PipeReader reader)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                sha256.AppendData(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await reader.CompleteAsync();
        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }

    private static void Expect(string expected, string actual)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"the bytes read are not the source's (sha256 {actual})");
        }
    }
}
