using Serilog;

namespace ClusterCtl.Logging;

/// <summary>
/// The part of clusterctl a message belongs to (restore, snapshot, etcd, ...), carried by the event as its
/// <see cref="PropertyName"/> property rather than typed into each message. The text log shows it as RKE's
/// <c>[restore] </c> prefix; the JSON log keeps it a property, so a log pipeline can filter on it.
/// </summary>
internal static class LogScope
{
    public const string PropertyName = "Scope";

    /// <summary>
    /// A logger whose events carry <paramref name="scope"/>. Hand the unscoped logger on to the parts a class calls:
    /// they have scopes of their own, or none, and a scope given here would otherwise show on their messages too.
    /// </summary>
    public static ILogger ForScope(this ILogger logger, string scope) => logger.ForContext(PropertyName, scope);
}
