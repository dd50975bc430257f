public import MoorCore

extension AppProject {
    /// Kinds whose objects the cluster makes for itself and that are never orphaned: Events, Endpoints,
    /// EndpointSlices and Leases (Argo CD leaves them out of its cluster cache altogether).
    /// Also the GitOps resources themselves (Moor's and Argo CD's Applications, ApplicationSets and AppProjects),
    /// which describe applications rather than belong to one.
    static let clusterMadeKinds: Set<String> = [
        "/Event", "events.k8s.io/Event", "/Endpoints", "discovery.k8s.io/EndpointSlice", "coordination.k8s.io/Lease",
        "moor.dev/Application", "moor.dev/ApplicationSet", "moor.dev/AppProject", "argoproj.io/Application",
        "argoproj.io/ApplicationSet", "argoproj.io/AppProject",
    ]

    /// The orphaned resources among `live`, the objects of one namespace, as Argo CD defines them: top-level
    /// objects (no `ownerReferences`) that no application tracks (no `moor.dev/tracking-id`), leaving out
    /// what this project denies (namespaced resources its namespace lists refuse), what the cluster makes
    /// itself (the `default` ServiceAccount and its token Secret, the `kubernetes` Service of `default`,
    /// `kube-root-ca.crt` ConfigMaps, Events, Endpoints, EndpointSlices, Leases), the Applications,
    /// ApplicationSets and AppProjects themselves, and what
    /// `orphanedResources.ignore` names. Sorted; empty when the project does not monitor orphaned resources.
    public func orphans(among live: [JSONValue]) -> [ObjectRef] {
        guard let policy = orphanedResources else { return [] }
        return live.compactMap { object -> ObjectRef? in
            guard let ref = ObjectRef(object: object), !ref.namespace.isEmpty,
                object[path: "metadata", "ownerReferences"]?.arrayValue?.isEmpty ?? true,
                object[path: "metadata", "annotations", TrackingID.annotation] == nil,
                !Self.clusterMadeKinds.contains("\(ref.group)/\(ref.kind)"), !Self.isClusterMade(ref, object),
                !policy.ignore.contains(where: { $0.matches(group: ref.group, kind: ref.kind, name: ref.name) }),
                !deniesNamespaced(group: ref.group, kind: ref.kind, name: ref.name)
            else { return nil }
            return ref
        }.sorted()
    }

    /// Whether the object is one Kubernetes makes in every namespace (or in `default`).
    private static func isClusterMade(_ ref: ObjectRef, _ object: JSONValue) -> Bool {
        switch (ref.group, ref.kind) {
        case ("", "ServiceAccount"): ref.name == "default"
        case ("", "Secret"):
            object["type"]?.stringValue == "kubernetes.io/service-account-token"
                && object[path: "metadata", "annotations", "kubernetes.io/service-account.name"] == "default"
        case ("", "Service"): ref.namespace == "default" && ref.name == "kubernetes"
        case ("", "ConfigMap"): ref.name == "kube-root-ca.crt"
        default: false
        }
    }

    /// Whether the namespaced kind is denied by `namespaceResourceWhitelist` or `namespaceResourceBlacklist`.
    private func deniesNamespaced(group: String, kind: String, name: String) -> Bool {
        let listed =
            namespaceResourceWhitelist.isEmpty
            || namespaceResourceWhitelist.contains { $0.matches(group: group, kind: kind, name: name) }
        return !listed || namespaceResourceBlacklist.contains { $0.matches(group: group, kind: kind, name: name) }
    }
}
