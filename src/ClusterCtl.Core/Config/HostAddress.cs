using System.Net;
using System.Net.Sockets;

namespace ClusterCtl.Config;

/// <summary>
/// What a node's <c>address</c>, <c>internal_address</c> and <c>hostname_override</c> may be: an IPv4 address in
/// dotted form, an IPv6 address without a zone, or a DNS name (labels of letters, digits and inner hyphens, joined by
/// dots). These values end up in etcd's flags, in file names on the nodes and in certificates signed by the cluster CA,
/// so nothing else (quotes, <c>$</c>, commas, <c>=</c>, spaces) may get that far.
/// </summary>
internal static class HostAddress
{
    private const int MaxNameLength = 253;
    private const int MaxLabelLength = 63;

    public static bool IsValid(string value) => IsIpAddress(value) || IsDnsName(value);

    /// <summary>Dotted-quad IPv4 or IPv6, written as the parser writes it back: "10.1" or "1e100" are not accepted as addresses.</summary>
    public static bool IsIpAddress(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IPAddress.TryParse(value, out var ip))
        {
            return false;
        }

        return ip.AddressFamily switch
        {
            AddressFamily.InterNetwork => value.Split('.').Length == 4 && value.All(c => char.IsAsciiDigit(c) || c == '.'),
            AddressFamily.InterNetworkV6 => ip.ScopeId == 0 && value.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.'),
            _ => false,
        };
    }

    public static bool IsDnsName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        // An all-digit last label would make "10.0.0.256" a name rather than a mistyped address.
        var labels = value.Split('.');
        return !labels[^1].All(char.IsAsciiDigit) && labels.All(label =>
            label.Length is > 0 and <= MaxLabelLength
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && label[0] != '-' && label[^1] != '-');
    }
}
