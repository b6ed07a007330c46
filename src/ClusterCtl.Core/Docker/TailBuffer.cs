using System.Text;

namespace ClusterCtl.Docker;

/// <summary>
/// Keeps the last <see cref="Capacity"/> bytes written to it, so capturing a chatty container's output
/// costs bounded memory. Starts small and grows to the capacity only if the output is that large.
/// </summary>
internal sealed class TailBuffer
{
    private const int InitialSize = 4096;

    private byte[] _buffer;
    private int _start;
    private int _count;

    public TailBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _buffer = new byte[Math.Min(capacity, InitialSize)];
    }

    public int Capacity { get; }

    /// <summary>Every byte ever appended, kept or not.</summary>
    public long TotalBytes { get; private set; }

    public bool Truncated => TotalBytes > _count;

    public void Append(ReadOnlySpan<byte> data)
    {
        TotalBytes += data.Length;
        if (data.Length >= Capacity)
        {
            EnsureSize(Capacity);
            data[^Capacity..].CopyTo(_buffer);
            _start = 0;
            _count = Capacity;
            return;
        }

        if (_count + data.Length > _buffer.Length && _buffer.Length < Capacity)
        {
            EnsureSize(Math.Min(Capacity, Math.Max(_buffer.Length * 2, _count + data.Length)));
        }

        // From here the buffer is either big enough, or full-size and used as a ring.
        var end = (_start + _count) % _buffer.Length;
        var firstPart = Math.Min(data.Length, _buffer.Length - end);
        data[..firstPart].CopyTo(_buffer.AsSpan(end));
        data[firstPart..].CopyTo(_buffer);

        var overflow = _count + data.Length - _buffer.Length;
        if (overflow > 0)
        {
            _start = (_start + overflow) % _buffer.Length;
            _count = _buffer.Length;
        }
        else
        {
            _count += data.Length;
        }
    }

    public byte[] ToArray()
    {
        var result = new byte[_count];
        var firstPart = Math.Min(_count, _buffer.Length - _start);
        _buffer.AsSpan(_start, firstPart).CopyTo(result);
        _buffer.AsSpan(0, _count - firstPart).CopyTo(result.AsSpan(firstPart));
        return result;
    }

    /// <summary>The kept bytes as UTF-8; a character cut in half by truncation is dropped, not mangled.</summary>
    public string ToText()
    {
        var bytes = ToArray();
        var skip = 0;
        while (Truncated && skip < bytes.Length && skip < 3 && (bytes[skip] & 0b1100_0000) == 0b1000_0000)
        {
            skip++;
        }

        return Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip);
    }

    /// <summary>Linearizes into a bigger array; only called before the ring ever wraps.</summary>
    private void EnsureSize(int size)
    {
        if (_buffer.Length >= size)
        {
            return;
        }

        var bigger = new byte[size];
        ToArray().CopyTo(bigger, 0);
        _buffer = bigger;
        _start = 0;
    }
}
