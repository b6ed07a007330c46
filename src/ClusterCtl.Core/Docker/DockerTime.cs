namespace ClusterCtl.Docker;

/// <summary>The library reads the daemon's times as <see cref="DateTime"/>; they are UTC whatever their Kind says.</summary>
internal static class DockerTime
{
    public static DateTimeOffset From(DateTime time) =>
        new(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
