using System.Net;
using System.Text;
using Amazon.Runtime;
using ClusterCtl.Storage;

namespace ClusterCtl.Tests.Storage;

/// <summary>What S3SnapshotStore makes of listings a store should not send, answered by a fake store in memory.</summary>
public class S3ListingTests
{
    private static readonly S3Options Options = new("http://127.0.0.1:9", "us-east-1", "bucket", "folder", "key", "secret", null);

    [Test]
    public async Task A_truncated_page_without_a_continuation_token_ends_the_listing()
    {
        var store = new FakeStore { Pages = [Page(truncated: true, "folder/a.zip")] };
        using var s3 = store.Open();

        var entries = await s3.ListAsync(CancellationToken.None);

        Assert.That(entries.Select(e => e.Name), Is.EqualTo(new[] { "a" }));
        Assert.That(store.ListRequests, Is.EqualTo(1), "the same first page must not be asked for again");
    }

    [Test]
    public async Task Keys_outside_the_folder_are_skipped_not_a_crash()
    {
        // A store that ignores the prefix: a short key, another folder's snapshot, and a key that only starts alike.
        var store = new FakeStore { Pages = [Page(truncated: false, "f", "other/b.zip", "folder2/c.zip", "folder/d.zip")] };
        using var s3 = store.Open();

        var entries = await s3.ListAsync(CancellationToken.None);

        Assert.That(entries.Select(e => e.Name), Is.EqualTo(new[] { "d" }));
    }

    [Test]
    public async Task An_upper_case_ZIP_is_the_same_snapshot_for_listing_and_reading()
    {
        var store = new FakeStore { Pages = [Page(truncated: false, "folder/x.ZIP")], Objects = { ["folder/x.ZIP"] = "zip bytes"u8.ToArray() } };
        using var s3 = store.Open();

        var entries = await s3.ListAsync(CancellationToken.None);
        await using var read = await s3.OpenReadAsync("x", CancellationToken.None);
        using var content = new MemoryStream();
        await read.CopyToAsync(content);

        Assert.That(entries.Single().Name, Is.EqualTo("x"));
        Assert.That(entries.Single().IsZip, Is.True);
        Assert.That(content.ToArray(), Is.EqualTo("zip bytes"u8.ToArray()));
    }

    private static string Page(bool truncated, params string[] keys) =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><Prefix>folder/</Prefix><Delimiter>/</Delimiter><MaxKeys>1000</MaxKeys><KeyCount>{keys.Length}</KeyCount><IsTruncated>{(truncated ? "true" : "false")}</IsTruncated>{string.Concat(keys.Select(k => $"<Contents><Key>{k}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>\"e\"</ETag><Size>9</Size><StorageClass>STANDARD</StorageClass></Contents>"))}</ListBucketResult>
        """;

    private sealed class FakeStore : HttpMessageHandler
    {
        public IReadOnlyList<string> Pages { get; init; } = [];

        public Dictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);

        public int ListRequests { get; private set; }

        public S3SnapshotStore Open() => new(Options, S3SnapshotStore.DefaultPartSize, 1, new Factory(this));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            if (uri.Query.Contains("list-type=2", StringComparison.Ordinal))
            {
                // A listing that never ends would hang the test: the fifth request is an error instead.
                ListRequests++;
                var page = ListRequests <= 4 ? Pages[Math.Min(ListRequests, Pages.Count) - 1] : null;
                return Task.FromResult(page is null ? Xml(HttpStatusCode.InternalServerError, "<Error><Code>InternalError</Code><Message>listed again</Message></Error>") : Xml(HttpStatusCode.OK, page));
            }

            var key = Uri.UnescapeDataString(uri.AbsolutePath)["/bucket/".Length..];
            if (!Objects.TryGetValue(key, out var body))
            {
                return Task.FromResult(Xml(HttpStatusCode.NotFound, "<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>"));
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(request.Method == HttpMethod.Head ? [] : body) });
        }

        private static HttpResponseMessage Xml(HttpStatusCode status, string xml) =>
            new(status) { Content = new StringContent(xml, Encoding.UTF8, "application/xml") };
    }

    private sealed class Factory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }
}
