internal import Foundation

extension ClusterConnection {
    /// The directory where Kubernetes mounts a pod's service-account credentials.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The connection a pod has to its own cluster: `KUBERNETES_SERVICE_HOST`/`_PORT`, the mounted
    /// CA and token file (re-read as it rotates), and the pod's namespace.
    ///
    /// Throws when not running in a pod (the variables or files are missing).
    public static func inCluster(
        environment: [String: String]? = nil,
        directory: String = serviceAccountDirectory
    ) throws(KubeConfigError) -> ClusterConnection {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard let host = environment["KUBERNETES_SERVICE_HOST"], let port = environment["KUBERNETES_SERVICE_PORT"]
        else {
            throw KubeConfigError(
                "not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset); use a kubeconfig instead")
        }
        guard let ca = FileManager.default.contents(atPath: "\(directory)/ca.crt") else {
            throw KubeConfigError("in-cluster CA \(directory)/ca.crt cannot be read")
        }
        guard FileManager.default.isReadableFile(atPath: "\(directory)/token") else {
            throw KubeConfigError("in-cluster token \(directory)/token cannot be read")
        }
        let namespace = (try? String(contentsOfFile: "\(directory)/namespace", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var user = KubeConfig.User()
        user.tokenFile = "\(directory)/token"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return ClusterConnection(
            server: "https://\(hostPart):\(port)", certificateAuthority: Array(ca), user: user,
            namespace: namespace?.isEmpty == false ? namespace! : "default", contextName: "in-cluster")
    }
}
