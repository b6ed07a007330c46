using ClusterCtl.Docker;

namespace ClusterCtl.Tests.Docker;

public class DockerFiltersTests
{
    [Test]
    public void A_label_filter_is_encoded_as_json_of_lists()
    {
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["label"] = ["io.clusterctl.helper"] };

        Assert.That(DockerFilters.ToJson(filters), Is.EqualTo("""{"label":["io.clusterctl.helper"]}"""));
    }

    [Test]
    public void Several_values_and_keys_are_all_kept()
    {
        var filters = new Dictionary<string, IReadOnlyList<string>>
        {
            ["label"] = ["io.clusterctl.helper", "io.clusterctl.run-id=r1"],
            ["status"] = ["exited"],
        };

        Assert.That(DockerFilters.ToJson(filters),
            Is.EqualTo("""{"label":["io.clusterctl.helper","io.clusterctl.run-id=r1"],"status":["exited"]}"""));
    }

    [Test]
    public void The_query_parameter_is_url_escaped()
    {
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["name"] = ["^/etcd$"] };

        var parameter = DockerFilters.ToQueryParameter(filters);

        Assert.That(parameter, Does.StartWith("filters="));
        Assert.That(Uri.UnescapeDataString(parameter["filters=".Length..]), Is.EqualTo("""{"name":["^/etcd$"]}"""));
        Assert.That(parameter, Does.Not.Contain("{").And.Not.Contain("\"").And.Not.Contain("$"));
    }

    [Test]
    public void No_filters_give_no_parameter()
    {
        Assert.That(DockerFilters.ToQueryParameter(null), Is.Empty);
        Assert.That(DockerFilters.ToQueryParameter(new Dictionary<string, IReadOnlyList<string>>()), Is.Empty);
    }
}
