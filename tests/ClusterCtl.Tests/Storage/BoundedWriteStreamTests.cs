using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Storage;

public class BoundedWriteStreamTests
{
    [Test]
    public async Task Writes_up_to_the_limit_pass_through()
    {
        var inner = new MemoryStream();
        await using var bounded = new BoundedWriteStream(inner, 10);

        await bounded.WriteAsync(new byte[4]);
        await bounded.WriteAsync(new byte[6]);

        Assert.That(inner.Length, Is.EqualTo(10));
    }

    [Test]
    public async Task The_write_that_would_cross_the_limit_is_refused_and_none_of_it_passes()
    {
        var inner = new MemoryStream();
        await using var bounded = new BoundedWriteStream(inner, 10);
        await bounded.WriteAsync(new byte[8]);

        var error = Assert.ThrowsAsync<WriteLimitExceededException>(async () => await bounded.WriteAsync(new byte[3]));

        Assert.That(error!.Limit, Is.EqualTo(10));
        Assert.That(inner.Length, Is.EqualTo(8));
        Assert.Throws<WriteLimitExceededException>(() => bounded.Write(new byte[3], 0, 3));
        Assert.That(inner.Length, Is.EqualTo(8));
    }
}
