namespace ClusterCtl;

/// <summary>The process exit codes (docs/design.md). Scripts and CI pipelines depend on them: never renumber.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The operation failed; the cluster was left as it was, or rolled back to it.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage, or an invalid config or input; nothing was touched.</summary>
    public const int InvalidInput = 2;

    /// <summary>Failed, and the cluster needs manual attention; the message says what to do.</summary>
    public const int NeedsManualAttention = 3;

    /// <summary>Interrupted (Ctrl+C or SIGTERM); cleanup was done.</summary>
    public const int Interrupted = 130;
}
