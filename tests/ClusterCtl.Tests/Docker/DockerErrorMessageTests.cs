using System.Net;
using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

public class DockerErrorMessageTests
{
    [Test]
    public void The_daemon_json_message_is_extracted()
    {
        var message = DockerErrorMessage.Extract("""{"message":"No such container: etcd"}""" + "\n", HttpStatusCode.NotFound, "Not Found");

        Assert.That(message, Is.EqualTo("No such container: etcd"));
    }

    [Test]
    public void A_plain_text_body_is_quoted_as_it_is()
    {
        var message = DockerErrorMessage.Extract("404 page not found\n", HttpStatusCode.NotFound, "Not Found");

        Assert.That(message, Is.EqualTo("404 page not found"));
    }

    [Test]
    public void Json_without_a_message_is_quoted_as_text()
    {
        var message = DockerErrorMessage.Extract("""{"error":"something"}""", HttpStatusCode.InternalServerError, "Internal Server Error");

        Assert.That(message, Is.EqualTo("""{"error":"something"}"""));
    }

    [Test]
    public void Broken_json_is_quoted_as_text()
    {
        var message = DockerErrorMessage.Extract("""{"message": "cut of""", HttpStatusCode.BadGateway, "Bad Gateway");

        Assert.That(message, Is.EqualTo("""{"message": "cut of"""));
    }

    [Test]
    public void An_empty_body_falls_back_to_the_reason_phrase()
    {
        Assert.That(DockerErrorMessage.Extract("", HttpStatusCode.Conflict, "Conflict"), Is.EqualTo("Conflict"));
        Assert.That(DockerErrorMessage.Extract(null, HttpStatusCode.ServiceUnavailable, null), Is.EqualTo("ServiceUnavailable"));
    }

    [Test]
    public void A_huge_text_body_is_cut_short()
    {
        var message = DockerErrorMessage.Extract(new string('x', 10_000), HttpStatusCode.BadGateway, null);

        Assert.That(message, Has.Length.EqualTo(DockerErrorMessage.MaxPlainTextLength + 3));
    }

    [Test]
    public void The_exception_message_names_host_daemon_message_and_status()
    {
        var error = new DockerApiException("10.213.0.11", HttpStatusCode.NotFound, "No such container: etcd");

        Assert.That(error.Message, Is.EqualTo("docker on 10.213.0.11: No such container: etcd (HTTP 404)"));
        Assert.That(error, Is.InstanceOf<ClusterCtlException>());
        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.Failed));
    }
}
