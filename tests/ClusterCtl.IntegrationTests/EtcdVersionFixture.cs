namespace ClusterCtl.IntegrationTests;

/// <summary>A fixture that runs once per etcd version: the testbed is reset to that version before, and back to 3.5, the default, after.</summary>
public abstract class EtcdVersionFixture(string etcdVersion)
{
    protected string EtcdVersion => etcdVersion;

    [OneTimeSetUp]
    public async Task UseTheEtcdVersion()
    {
        if (Testbed.Env["TB_ETCD"] != etcdVersion)
        {
            await Testbed.RunAsync("reset", "--etcd", etcdVersion);
        }
    }

    [OneTimeTearDown]
    public async Task BackToTheDefault()
    {
        if (etcdVersion != "3.5")
        {
            await Testbed.RunAsync("reset", "--etcd", "3.5");
        }
    }
}
