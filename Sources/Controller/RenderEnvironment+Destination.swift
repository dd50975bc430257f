public import KubeClient
public import MoorCore
public import Render

extension RenderEnvironment {
    /// Where `application` deploys: its destination namespace, and the version and API versions of
    /// the cluster `client` talks to (its destination), as Argo CD hands them to Helm. Both come from
    /// the client's cached discovery after the first call; throws when the cluster cannot be asked,
    /// since a render with other capabilities could differ.
    public static func destination(of application: Application, client: KubeClient) async throws(KubeAPIError)
        -> RenderEnvironment
    {
        RenderEnvironment(
            namespace: application.spec.destination.namespace, kubeVersion: try await client.serverVersion(),
            apiVersions: try await client.apiVersions())
    }
}
