namespace ClusterCtl.Tests;

public class PollingTests
{
    [Test]
    public async Task It_asks_until_an_answer_is_done_and_returns_that_answer()
    {
        var asked = 0;

        var answer = await Polling.UntilAsync(_ => ValueTask.FromResult(++asked), n => n >= 3, TimeSpan.Zero, Timeout.InfiniteTimeSpan, CancellationToken.None);

        Assert.That((answer, asked), Is.EqualTo((3, 3)));
    }

    [Test]
    public async Task When_the_next_pause_would_pass_the_limit_it_returns_the_last_answer_without_asking_again()
    {
        var asked = 0;

        var answer = await Polling.UntilAsync(_ => ValueTask.FromResult(++asked), _ => false, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.That((answer, asked), Is.EqualTo((1, 1)));
    }

    [Test]
    public void A_probe_that_throws_ends_the_wait_with_its_exception()
    {
        var asked = 0;

        Assert.ThrowsAsync<InvalidOperationException>(() => Polling.UntilAsync<int>(
            _ => ++asked == 2 ? throw new InvalidOperationException("etcd exited") : ValueTask.FromResult(asked),
            _ => false, TimeSpan.Zero, Timeout.InfiniteTimeSpan, CancellationToken.None));
        Assert.That(asked, Is.EqualTo(2));
    }

    [Test]
    public void Cancelling_ends_the_wait_between_probes()
    {
        using var cancel = new CancellationTokenSource();
        var asked = 0;

        Assert.That(() => Polling.UntilAsync(
            _ =>
            {
                if (++asked == 2)
                {
                    cancel.Cancel();
                }

                return ValueTask.FromResult(false);
            },
            done => done, TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(asked, Is.EqualTo(2));
    }
}
