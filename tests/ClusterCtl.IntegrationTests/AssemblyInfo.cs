// The end-to-end tests drive Linux network namespaces, dockerd and sshd: they run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
