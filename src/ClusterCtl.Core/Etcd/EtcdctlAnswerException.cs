namespace ClusterCtl.Etcd;

/// <summary>etcdctl printed something that is not the JSON answer it should have; the message names the node it ran on.</summary>
internal sealed class EtcdctlAnswerException(string message, Exception innerException)
    : ClusterCtlException(message, ExitCodes.Failed, innerException);
