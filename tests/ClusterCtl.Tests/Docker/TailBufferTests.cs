using System.Text;
using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

public class TailBufferTests
{
    [Test]
    public void Small_output_is_kept_whole()
    {
        var buffer = new TailBuffer(1024);
        buffer.Append("hello "u8);
        buffer.Append("world"u8);

        Assert.That(buffer.ToText(), Is.EqualTo("hello world"));
        Assert.That(buffer.Truncated, Is.False);
    }

    [Test]
    public void Only_the_last_bytes_are_kept_across_many_appends()
    {
        var buffer = new TailBuffer(10);
        var all = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            var piece = $"{i % 10}ab";
            all.Append(piece);
            buffer.Append(Encoding.ASCII.GetBytes(piece));
        }

        Assert.That(buffer.ToText(), Is.EqualTo(all.ToString()[^10..]));
        Assert.That(buffer.Truncated, Is.True);
        Assert.That(buffer.TotalBytes, Is.EqualTo(300));
    }

    [Test]
    public void One_append_larger_than_the_capacity_keeps_its_end()
    {
        var buffer = new TailBuffer(4);
        buffer.Append("ab"u8);
        buffer.Append("0123456789"u8);

        Assert.That(buffer.ToText(), Is.EqualTo("6789"));
    }

    [Test]
    public void Growth_beyond_the_initial_size_keeps_everything_up_to_the_capacity()
    {
        var buffer = new TailBuffer(100_000);
        var data = Enumerable.Range(0, 50_000).Select(i => (byte)('a' + (i % 26))).ToArray();
        foreach (var chunk in data.Chunk(777))
        {
            buffer.Append(chunk);
        }

        Assert.That(buffer.ToArray(), Is.EqualTo(data));
    }

    [Test]
    public void A_character_cut_by_truncation_is_dropped_not_mangled()
    {
        var buffer = new TailBuffer(5);
        buffer.Append(Encoding.UTF8.GetBytes("xxé1234"));  // 'é' is two bytes; the tail starts inside it.

        Assert.That(buffer.ToText(), Is.EqualTo("1234"));
    }
}
