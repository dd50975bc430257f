import Foundation
import MoorCore
import MoorTestSupport
import Testing

@testable import KubeClient

/// Impersonation of a ServiceAccount: the header values, the reworded Forbidden errors, and what the
/// real API server lets an impersonated client do.
@Suite("KubeClient impersonating a ServiceAccount")
struct ImpersonationTests {
    @Test("a ServiceAccount is impersonated by its user name alone; its groups are the ones Kubernetes gives it")
    func headerValues() {
        let identity = KubeImpersonation.serviceAccount(namespace: "team-a", name: "deployer")
        #expect(identity.user == "system:serviceaccount:team-a:deployer")
        #expect(identity.groups == ["system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated"])
        #expect(identity.headers.map(\.name) == ["Impersonate-User"])
        #expect(identity.headers.map(\.value) == ["system:serviceaccount:team-a:deployer"])
        #expect(identity.description == "ServiceAccount team-a/deployer")
    }

    @Test(
        "request paths map to the verb, group, resource and namespace RBAC checks",
        arguments: [
            (
                "POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", false,
                "create rbac.authorization.k8s.io clusterrolebindings (cluster-wide)"
            ),
            ("PATCH", "/api/v1/namespaces/team-b/configmaps/settings", false, "patch configmaps in namespace team-b"),
            ("GET", "/apis/apps/v1/namespaces/team-b/deployments", false, "list apps deployments in namespace team-b"),
            ("GET", "/apis/apps/v1/deployments", true, "watch apps deployments (cluster-wide)"),
            ("DELETE", "/api/v1/namespaces/team-b", false, "delete namespaces (cluster-wide)"),
            ("PUT", "/apis/batch/v1/namespaces/x/jobs/j/status", false, "update batch jobs/status in namespace x"),
        ])
    func attributes(method: String, path: String, watch: Bool, phrase: String) throws {
        let attributes = try #require(
            KubeRequestAttributes(method: method, path: path, query: watch ? [("watch", "1")] : []))
        #expect(attributes.phrase == phrase)
        #expect(KubeRequestAttributes(method: "GET", path: "/apis", query: []) == nil)
    }

    @Test("a Forbidden answer names the ServiceAccount and what it may not do, without the admin's hint")
    func forbiddenMessage() {
        let identity = KubeImpersonation.serviceAccount(namespace: "team-a", name: "deployer")
        let denied = KubeAPIError(code: .forbidden, status: 403, message: "clusterrolebindings is forbidden")
        let error = denied.impersonated(
            identity,
            attributes: KubeRequestAttributes(
                method: "POST", path: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", query: []))
        #expect(
            error.detail
                == "ServiceAccount team-a/deployer may not create rbac.authorization.k8s.io clusterrolebindings "
                + "(cluster-wide): give it a Role/ClusterRole binding that allows it")
        #expect(error.impersonation == identity)
        let notFound = KubeAPIError(code: .notFound, status: 404, message: "not found").impersonated(
            identity, attributes: nil)
        #expect(notFound.message == "not found")
    }

    static func configMap(_ name: String, namespace: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace)], "data": ["k": "v"],
        ]
    }

    @Test("a RoleBinding to the ServiceAccount's namespace group lets it apply there; elsewhere it is Forbidden")
    func againstTheAPIServer() async throws {
        let cluster = try await TestCluster.shared()
        let admin = try cluster.adminClient()
        defer { Task { await admin.shutdown() } }
        try await cluster.withNamespace(admin) { home in
            try await cluster.withNamespace(admin) { other in
                _ = try await admin.create([
                    "apiVersion": "v1", "kind": "ServiceAccount",
                    "metadata": ["name": "deployer", "namespace": .string(home)],
                ])
                _ = try await admin.create([
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                    "metadata": ["name": "configmaps", "namespace": .string(home)],
                    "rules": [["apiGroups": [""], "resources": ["configmaps"], "verbs": ["*"]]],
                ])
                // Bound to the group, not the user: the API server must add the ServiceAccount's groups itself.
                _ = try await admin.create([
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                    "metadata": ["name": "configmaps", "namespace": .string(home)],
                    "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "configmaps"],
                    "subjects": [
                        [
                            "kind": "Group", "apiGroup": "rbac.authorization.k8s.io",
                            "name": .string("system:serviceaccounts:\(home)"),
                        ]
                    ],
                ])
                let identity = KubeImpersonation.serviceAccount(namespace: home, name: "deployer")
                let tenant = admin.impersonating(identity)
                #expect(tenant.impersonation == identity)
                #expect(tenant.connection.server == admin.connection.server)
                try await eventually {
                    _ = try await tenant.apply(Self.configMap("allowed", namespace: home), fieldManager: "moor")
                }
                let read = try await tenant.get(
                    ObjectRef(group: "", version: "v1", kind: "ConfigMap", namespace: home, name: "allowed"))
                #expect(read[path: "data", "k"] == "v")

                let elsewhere = await #expect(throws: KubeAPIError.self) {
                    _ = try await tenant.apply(Self.configMap("refused", namespace: other), fieldManager: "moor")
                }
                #expect(elsewhere?.code == .forbidden)
                #expect(elsewhere?.impersonation == identity)
                #expect(
                    elsewhere?.detail
                        == "ServiceAccount \(home)/deployer may not patch configmaps in namespace \(other): "
                        + "give it a Role/ClusterRole binding that allows it")

                let clusterWide = await #expect(throws: KubeAPIError.self) {
                    _ = try await tenant.create([
                        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                        "metadata": ["name": .string("escalate-\(home)")],
                        "roleRef": [
                            "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin",
                        ],
                        "subjects": [["kind": "ServiceAccount", "name": "deployer", "namespace": .string(home)]],
                    ])
                }
                #expect(clusterWide?.code == .forbidden)
                #expect(
                    clusterWide?.description.contains(
                        "ServiceAccount \(home)/deployer may not create rbac.authorization.k8s.io "
                            + "clusterrolebindings (cluster-wide)") == true)

                // The impersonating client's shutdown leaves the shared connections open.
                await tenant.shutdown()
                let again = try await admin.get(
                    ObjectRef(group: "", version: "v1", kind: "ConfigMap", namespace: home, name: "allowed"))
                #expect(again[path: "metadata", "name"] == "allowed")
            }
        }
    }

    /// Runs `body` until it stops throwing Forbidden (RBAC caches take a moment to see a new binding).
    private func eventually(_ body: () async throws -> Void) async throws {
        for _ in 0..<50 {
            do {
                return try await body()
            } catch let error as KubeAPIError where error.code == .forbidden {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        try await body()
    }
}
