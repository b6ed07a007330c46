using System.Text.Json;

namespace ClusterCtl.Pki;

/// <summary>
/// Reads RKE's <c>cluster.rkestate</c> (JSON: desiredState/currentState, each with a certificatesBundle map
/// of CertificatePKI entries) for the kube-ca certificate and key.
/// </summary>
internal static class RkeStateReader
{
    public const string CaBundleName = "kube-ca";

    /// <summary>The CA from the state file, or null when the file does not exist.</summary>
    public static CertificateAuthorityPem? TryReadCertificateAuthority(string stateFilePath)
    {
        if (!File.Exists(stateFilePath))
        {
            return null;
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(File.ReadAllText(stateFilePath));
        }
        catch (JsonException e)
        {
            throw new ClusterCtlException(
                $"{stateFilePath}:{e.LineNumber + 1}: not valid JSON ({e.Message.Split('.')[0]}); restore the file from your RKE working directory or move it away",
                ExitCodes.InvalidInput);
        }
        catch (IOException e)
        {
            throw new ClusterCtlException($"{stateFilePath} cannot be read: {e.Message}", ExitCodes.InvalidInput);
        }

        using (json)
        {
            // currentState is what RKE last applied; desiredState is the fallback for a state file written before `rke up` finished.
            foreach (var state in new[] { "currentState", "desiredState" })
            {
                if (json.RootElement.ValueKind == JsonValueKind.Object
                    && json.RootElement.TryGetProperty(state, out var s) && s.ValueKind == JsonValueKind.Object
                    && s.TryGetProperty("certificatesBundle", out var bundle) && bundle.ValueKind == JsonValueKind.Object
                    && bundle.TryGetProperty(CaBundleName, out var ca) && ca.ValueKind == JsonValueKind.Object
                    && ca.TryGetProperty("certificatePEM", out var cert) && cert.GetString() is { Length: > 0 } certPem
                    && ca.TryGetProperty("keyPEM", out var key) && key.GetString() is { Length: > 0 } keyPem)
                {
                    return new CertificateAuthorityPem(certPem, keyPem, stateFilePath);
                }
            }
        }

        throw new ClusterCtlException(
            $"{stateFilePath} holds no kube-ca certificate and key (certificatesBundle.kube-ca.certificatePEM/keyPEM); it is not an RKE state file",
            ExitCodes.InvalidInput);
    }

    /// <summary>The whole state file as bytes, for embedding in snapshot zips the way RKE does.</summary>
    public static byte[]? TryReadRaw(string stateFilePath) => File.Exists(stateFilePath) ? File.ReadAllBytes(stateFilePath) : null;
}
