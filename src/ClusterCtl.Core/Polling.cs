using System.Diagnostics.CodeAnalysis;
using Polly;
using Polly.Retry;

namespace ClusterCtl;

/// <summary>
/// Asking again until an answer is good enough: the etcd health wait, the component restart wait, the tunnel's
/// readiness, a late container create. One Polly retry gives every such wait the same rules: a probe is never cut
/// short by the limit (a cancelled probe can leave a helper behind), the pause sits between probes, and the caller
/// gets the last answer so that a timeout can say what was still wrong.
/// </summary>
internal static class Polling
{
    /// <summary>
    /// Runs <paramref name="probe"/> until <paramref name="isDone"/> accepts its answer, or until one more pause would
    /// pass <paramref name="limit"/> (<see cref="Timeout.InfiniteTimeSpan"/>: only <paramref name="cancellationToken"/>
    /// ends it); returns the last answer either way. A probe's exception ends the wait.
    /// </summary>
    /// <remarks>Polly's retry asks the trimmer to keep every member of the answer's type; so must this.</remarks>
    public static async Task<T> UntilAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T>(
        Func<CancellationToken, ValueTask<T>> probe,
        Func<T, bool> isDone,
        TimeSpan interval,
        TimeSpan limit,
        CancellationToken cancellationToken,
        TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        var pipeline = new ResiliencePipelineBuilder<T> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<T>
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is null
                    && !isDone(args.Outcome.Result!)
                    && (limit == Timeout.InfiniteTimeSpan || time.GetElapsedTime(started) + interval <= limit)),
                MaxRetryAttempts = int.MaxValue,
                Delay = interval,
                BackoffType = DelayBackoffType.Constant,
            })
            .Build();
        return await pipeline.ExecuteAsync(probe, cancellationToken);
    }
}
