import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// A service account with cluster-wide read access to chosen resources: a user that may watch
/// some resource types everywhere and is Forbidden the rest.
enum ServiceAccounts {
    /// Creates service account `name` and returns its token (from a token Secret the controller
    /// manager fills in).
    static func token(_ client: KubeClient, namespace: String, name: String) async throws -> String {
        _ = try await client.create([
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
        ])
        _ = try await client.create([
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/service-account-token",
            "metadata": [
                "name": .string("\(name)-token"), "namespace": .string(namespace),
                "annotations": ["kubernetes.io/service-account.name": .string(name)],
            ],
        ])
        let ref = ObjectRef(group: "", version: "v1", kind: "Secret", namespace: namespace, name: "\(name)-token")
        var token: String?
        _ = try await Patience.waitUntil(every: .milliseconds(50)) {
            let encoded = try await client.get(ref)[path: "data", "token"]?.stringValue
            token = encoded.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
            return token != nil
        }
        guard let token else { throw TokenError() }
        return token
    }

    struct TokenError: Error, CustomStringConvertible {
        var description: String { "the controller manager filled in no service-account token" }
    }

    /// Lets the service account get, list and watch `resources` (core group) in all namespaces;
    /// returns the ClusterRole's name (the binding has the same name). Calling it again replaces
    /// the list.
    @discardableResult
    static func allowClusterWide(_ client: KubeClient, namespace: String, name: String, resources: [String])
        async throws -> String
    {
        let role = "\(namespace)-\(name)"
        _ = try await client.apply(
            [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": ["name": .string(role)],
                "rules": [
                    [
                        "apiGroups": [""], "resources": .array(resources.map { .string($0) }),
                        "verbs": ["get", "list", "watch"],
                    ]
                ],
            ], fieldManager: "moor-test")
        _ = try await client.apply(
            [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": ["name": .string(role)],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(role)],
                "subjects": [["kind": "ServiceAccount", "name": .string(name), "namespace": .string(namespace)]],
            ], fieldManager: "moor-test")
        return role
    }

    /// Removes the ClusterRole and ClusterRoleBinding `allowClusterWide` made.
    static func revoke(_ client: KubeClient, role: String) async throws {
        for kind in ["ClusterRoleBinding", "ClusterRole"] {
            let ref = ObjectRef(group: "rbac.authorization.k8s.io", version: "v1", kind: kind, name: role)
            try await client.delete(ref)
        }
    }
}
