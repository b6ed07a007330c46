using System.Net;
using System.Text.Json;

namespace ClusterCtl.Docker;

/// <summary>Turns the body of a non-2xx answer into the daemon's message, whatever shape it has.</summary>
internal static class DockerErrorMessage
{
    /// <summary>Plain-text bodies (proxies, very old daemons) are quoted up to this many characters.</summary>
    public const int MaxPlainTextLength = 500;

    public static string Extract(string? body, HttpStatusCode statusCode, string? reasonPhrase)
    {
        var text = body?.Trim();
        if (!string.IsNullOrEmpty(text))
        {
            if (text.StartsWith('{'))
            {
                try
                {
                    using var json = JsonDocument.Parse(text);
                    if (json.RootElement.ValueKind == JsonValueKind.Object
                        && json.RootElement.TryGetProperty("message", out var property)
                        && property.ValueKind == JsonValueKind.String
                        && property.GetString() is { } message
                        && !string.IsNullOrWhiteSpace(message))
                    {
                        return message.Trim();
                    }
                }
                catch (JsonException)
                {
                    // Not the daemon's JSON after all: quote it as text below.
                }
            }

            return text.Length <= MaxPlainTextLength ? text : string.Concat(text.AsSpan(0, MaxPlainTextLength), "...");
        }

        return string.IsNullOrWhiteSpace(reasonPhrase) ? statusCode.ToString() : reasonPhrase;
    }
}
