/// What a render knows about where its objects go: the destination namespace and, when a cluster is at
/// hand, the cluster's version and the API versions it serves. Helm charts see them as
/// `.Release.Namespace` and `.Capabilities`, as Argo CD passes them to `helm template`.
///
/// A source's own settings win: `helm.namespace` over ``namespace``, `helm.kubeVersion` over
/// ``kubeVersion``, and a non-empty `helm.apiVersions` over ``apiVersions``.
public struct RenderEnvironment: Sendable, Hashable {
    /// The application's destination namespace; `nil` or empty is `default`.
    public var namespace: String?
    /// The destination cluster's version (its `/version` `gitVersion`, e.g. `v1.20.2`); `nil` when no
    /// cluster is at hand.
    public var kubeVersion: String?
    /// The API versions the destination cluster serves, as Helm lists them: every `group/version`
    /// and every `group/version/Kind` (`v1`, `v1/ConfigMap`, `apps/v1`, `apps/v1/Deployment`, …),
    /// sorted; empty when no cluster is at hand. Helm adds them to its own default list of
    /// `group/version`s, as `helm template --api-versions` does.
    public var apiVersions: [String]

    /// Creates an environment.
    public init(namespace: String? = nil, kubeVersion: String? = nil, apiVersions: [String] = []) {
        self.namespace = namespace
        self.kubeVersion = kubeVersion
        self.apiVersions = apiVersions
    }
}
