namespace ClusterCtl.Etcd;

/// <summary>etcdctl failed or printed something that is not the answer it should have; the message names the node it ran on.</summary>
internal sealed class EtcdctlAnswerException(string message, Exception? innerException = null)
    : ClusterCtlException(message, ExitCodes.Failed, innerException);
