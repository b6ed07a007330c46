using System.Text.RegularExpressions;

namespace ClusterCtl.Docker;

/// <summary>
/// An image reference split the way docker splits it: <c>[registry/]repository[:tag][@digest]</c>.
/// The first path component is a registry only when it looks like a host (has a dot or a port, is
/// "localhost", or has upper case), so "rancher/etcd" is a Docker Hub repository but
/// "127.0.0.1:5999/none:1" is repository "none" on registry "127.0.0.1:5999".
/// </summary>
internal sealed partial record ImageReference(string? Registry, string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";
    public const string DefaultTag = "latest";

    /// <summary>The registry to authenticate against; Docker Hub when the reference names none.</summary>
    public string RegistryHost => Registry ?? DockerHub;

    /// <summary>Registry and repository without tag or digest: the <c>fromImage</c> of a pull.</summary>
    public string Name => Registry is null ? Repository : $"{Registry}/{Repository}";

    /// <summary>
    /// The <c>tag</c> of a pull. The API takes a digest in the same parameter, and a digest wins over
    /// a tag (as in the docker CLI) because it is the more exact of the two.
    /// </summary>
    public string PullTag => Digest ?? Tag ?? DefaultTag;

    public static ImageReference Parse(string reference)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.Any(char.IsWhiteSpace))
        {
            throw Invalid(reference, "it is empty or contains whitespace");
        }

        var rest = reference;
        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                throw Invalid(reference, "the digest must look like sha256:<hex>");
            }
        }

        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                throw Invalid(reference, "the tag may hold only letters, digits, '_', '.' and '-' (at most 128)");
            }
        }

        string? registry = null;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && LooksLikeRegistryHost(rest[..slash]))
        {
            registry = rest[..slash];
            rest = rest[(slash + 1)..];
            if (!RegistryPattern().IsMatch(registry))
            {
                throw Invalid(reference, $"'{registry}' is not a registry host[:port]");
            }
        }

        if (rest.Length == 0 || rest.Split('/').Any(part => part.Length == 0))
        {
            throw Invalid(reference, "the repository name is missing or has an empty path component");
        }

        return new ImageReference(registry, rest, tag, digest);
    }

    public override string ToString() =>
        Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    private static bool LooksLikeRegistryHost(string component) =>
        component.Contains('.', StringComparison.Ordinal)
        || component.Contains(':', StringComparison.Ordinal)
        || component == "localhost"
        || component.Any(char.IsUpper);

    private static ClusterCtlException Invalid(string reference, string why) =>
        new($"invalid image reference '{reference}': {why}", ExitCodes.InvalidInput);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();

    [GeneratedRegex(@"^(?:\[[0-9A-Fa-f:]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
