namespace ClusterCtl.IntegrationTests;
public class SmokeTests { [Test] public void Placeholder_runs() => Assert.That(Environment.ProcessorCount, Is.GreaterThan(0)); }
