using System.Collections.Concurrent;
using System.Reflection;
using Amazon.Runtime.Endpoints;
using Amazon.S3.Endpoints;

namespace ClusterCtl.Storage;

/// <summary>
/// Remembers the endpoint the SDK's rules gave for each distinct set of parameters. The S3 rules are one generated
/// method of some 100 KB of machine code, run for every request; an upload of more than 30 parts called it often
/// enough for the runtime to compile it again (instrumented, and with more calls optimised), which cost about 10 MB
/// of compiler memory at the snapshot's peak and CPU that the stream wanted. With this it runs once per bucket and key.
/// </summary>
/// <remarks>
/// The rules are a pure function of the parameters, so the key is every public property of S3's parameters type:
/// one the SDK adds later is part of the key without a change here. The type is named, not found at run time, so that
/// the trimmer of the native build keeps those properties; parameters of any other type are not cached.
/// </remarks>
internal sealed class CachingEndpointProvider(IEndpointProvider rules) : IEndpointProvider
{
    // A bound, not a working set: a run touches a handful of keys (the snapshot, its manifest copy, listings).
    private const int MaxEntries = 256;

    private static readonly PropertyInfo[] KeyProperties =
        [.. typeof(S3EndpointParameters).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.Name, StringComparer.Ordinal)];

    private readonly ConcurrentDictionary<string, Endpoint> _resolved = new(StringComparer.Ordinal);

    public Endpoint ResolveEndpoint(EndpointParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters is not S3EndpointParameters s3Parameters)
        {
            return rules.ResolveEndpoint(parameters);
        }

        var key = KeyOf(s3Parameters);
        if (_resolved.TryGetValue(key, out var endpoint))
        {
            return endpoint;
        }

        endpoint = rules.ResolveEndpoint(parameters);
        if (_resolved.Count < MaxEntries)
        {
            _resolved.TryAdd(key, endpoint);
        }

        return endpoint;
    }

    private static string KeyOf(S3EndpointParameters parameters) =>
        // Unit separators keep "a"+"bc" and "ab"+"c" apart; null and empty differ too.
        string.Join('\u001f', KeyProperties.Select(p => p.GetValue(parameters) is { } value ? "=" + value : "-"));
}
