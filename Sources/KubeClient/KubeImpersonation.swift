/// An identity a ``KubeClient`` acts as through Kubernetes impersonation (`Impersonate-User`).
///
/// The API server authorizes an impersonated request twice: the client's own credentials must be
/// allowed to `impersonate` the identity, and the identity must be allowed the request itself.
public enum KubeImpersonation: Sendable, Hashable, CustomStringConvertible {
    /// A ServiceAccount: user `system:serviceaccount:NAMESPACE:NAME`. Only the user is sent; the API
    /// server then adds the groups it gives every ServiceAccount (see ``groups``), so impersonating
    /// one needs `impersonate` on `serviceaccounts` only, not on `groups`.
    case serviceAccount(namespace: String, name: String)

    /// The user name sent as `Impersonate-User`, e.g. `system:serviceaccount:team-a:deployer`.
    public var user: String {
        switch self {
        case .serviceAccount(let namespace, let name): "system:serviceaccount:\(namespace):\(name)"
        }
    }

    /// The groups the API server gives the identity: for a ServiceAccount `system:serviceaccounts`,
    /// `system:serviceaccounts:NAMESPACE` and `system:authenticated`. Not sent as headers.
    public var groups: [String] {
        switch self {
        case .serviceAccount(let namespace, _):
            ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", "system:authenticated"]
        }
    }

    /// The HTTP headers that make a request impersonated.
    var headers: [(name: String, value: String)] { [("Impersonate-User", user)] }

    /// `ServiceAccount team-a/deployer`.
    public var description: String {
        switch self {
        case .serviceAccount(let namespace, let name): "ServiceAccount \(namespace)/\(name)"
        }
    }
}

/// What the API server authorizes a request as: verb, API group, resource (with subresource) and
/// namespace, read from the request's method and path as the API server's request-info resolver does.
struct KubeRequestAttributes: Sendable, Hashable {
    /// The RBAC verb: get, list, watch, create, update, patch, delete, deletecollection.
    var verb: String
    /// The API group; empty for the core group.
    var group: String
    /// The resource's plural name, with `/subresource` when there is one.
    var resource: String
    /// The namespace; nil for cluster-wide requests.
    var namespace: String?

    /// The attributes of a request to `path` (`/api/v1/namespaces/NS/configmaps/NAME`,
    /// `/apis/GROUP/VERSION/RESOURCE`…); nil for paths outside the resource APIs (discovery, `/version`).
    init?(method: String, path: String, query: [(String, String)]) {
        var parts = path.split(separator: "/").map(String.init)
        guard let prefix = parts.first else { return nil }
        switch prefix {
        case "api" where parts.count >= 3:
            group = ""
            parts.removeFirst(2)
        case "apis" where parts.count >= 4:
            group = parts[1]
            parts.removeFirst(3)
        default: return nil
        }
        namespace = nil
        // `namespaces/NS/…` scopes the rest; `namespaces` or `namespaces/NS` alone is the Namespace resource.
        if parts.count >= 3, parts[0] == "namespaces" {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        resource = parts[0]
        let named = parts.count >= 2
        if parts.count >= 3 { resource += "/" + parts[2] }
        switch method {
        case "GET" where query.contains { $0.0 == "watch" && $0.1 != "false" && $0.1 != "0" }: verb = "watch"
        case "GET": verb = named ? "get" : "list"
        case "POST": verb = "create"
        case "PUT": verb = "update"
        case "PATCH": verb = "patch"
        case "DELETE": verb = named ? "delete" : "deletecollection"
        default: verb = method.lowercased()
        }
    }

    /// `create rbac.authorization.k8s.io clusterrolebindings (cluster-wide)` or
    /// `create configmaps in namespace team-b`.
    var phrase: String {
        let what = group.isEmpty ? resource : "\(group) \(resource)"
        return "\(verb) \(what) " + (namespace.map { "in namespace \($0)" } ?? "(cluster-wide)")
    }
}

extension KubeAPIError {
    /// This Forbidden error of a request sent as `identity`, reworded to name the identity, the verb,
    /// the resource and the namespace, and to say which permission is missing.
    func impersonated(_ identity: KubeImpersonation, attributes: KubeRequestAttributes?) -> KubeAPIError {
        var error = self
        error.impersonation = identity
        guard code == .forbidden else { return error }
        if message.contains("cannot impersonate") {
            error.message =
                "the controller's own credentials may not impersonate \(identity): grant them `impersonate` on "
                + "serviceaccounts (the ClusterRole `moor install` prints does)"
        } else if let attributes {
            error.message =
                "\(identity) may not \(attributes.phrase): give it a Role/ClusterRole binding that allows it"
        } else {
            error.message =
                "\(identity) may not do this (\(message)): give it a Role/ClusterRole binding that allows it"
        }
        return error
    }
}
