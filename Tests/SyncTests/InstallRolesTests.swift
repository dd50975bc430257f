import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import MoorYAML
import Testing

/// The RBAC `moor install` prints: the default ClusterRole, and the least-privilege one of
/// `--impersonation-only`, checked rule by rule and against the real API server's authorizer.
@Suite("moor install roles")
struct InstallRolesTests {
    /// The objects `moor install` prints with `arguments`.
    static func install(_ arguments: [String] = [], namespace: String = "moor-roles-test") throws -> [JSONValue] {
        let run = try MoorCommand.run(["install", "--namespace", namespace] + arguments)
        #expect(run.status == 0, "\(run.error)")
        return try YAMLReader.documents(run.output).map(\.value)
    }

    static func rules(of kind: String, in objects: [JSONValue]) -> [JSONValue] {
        objects.filter { $0["kind"]?.stringValue == kind }.flatMap { $0["rules"]?.arrayValue ?? [] }
    }

    static func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }

    static let writeVerbs: Set<String> = [
        "*", "create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate",
    ]

    @Test("the default ClusterRole grants impersonate on core serviceaccounts, and not on users or groups")
    func defaultRoleImpersonates() throws {
        let rules = Self.rules(of: "ClusterRole", in: try Self.install())
        let impersonating = rules.filter { Self.strings($0["verbs"]).contains("impersonate") }
        #expect(impersonating.count == 1)
        #expect(Self.strings(impersonating.first?["apiGroups"]) == [""])
        #expect(Self.strings(impersonating.first?["resources"]) == ["serviceaccounts"])
    }

    @Test("--impersonation-only writes nothing outside moor.dev, events and its own leases; reads everything")
    func impersonationOnlyIsLeastPrivilege() throws {
        let objects = try Self.install(["--impersonation-only"])
        #expect(
            objects.compactMap { $0["kind"]?.stringValue } == [
                "CustomResourceDefinition", "CustomResourceDefinition", "CustomResourceDefinition",
                "CustomResourceDefinition", "CustomResourceDefinition", "Namespace",
                "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "Service",
            ])
        let role = try #require(objects.first { $0["kind"] == "Role" })
        #expect(role[path: "metadata", "namespace"] == "moor-roles-test")
        let clusterRules = Self.rules(of: "ClusterRole", in: objects)
        #expect(
            clusterRules.contains {
                Self.strings($0["apiGroups"]) == ["*"] && Self.strings($0["resources"]) == ["*"]
                    && Set(Self.strings($0["verbs"])) == ["get", "list", "watch"]
            })
        for rule in clusterRules + Self.rules(of: "Role", in: objects) {
            let writes = Set(Self.strings(rule["verbs"])).intersection(Self.writeVerbs)
            guard !writes.isEmpty else { continue }
            let groups = Set(Self.strings(rule["apiGroups"]))
            let resources = Set(Self.strings(rule["resources"]))
            let allowed =
                groups == ["moor.dev"] || resources == ["events"]
                || (groups == ["coordination.k8s.io"] && resources == ["leases"])
                || (groups == [""] && resources == ["serviceaccounts"] && writes == ["impersonate"])
            #expect(allowed, "rule \(rule.jsonString()) writes \(writes.sorted())")
            #expect(!groups.contains("*") && !resources.contains("*"), "rule \(rule.jsonString())")
        }
        // The lease rights are namespaced: the ClusterRole has none.
        #expect(!clusterRules.contains { Self.strings($0["resources"]).contains("leases") })
    }

    /// Whether the API server's authorizer allows `user` (with `groups`) to `verb` `resource` of `group`.
    static func allowed(
        _ admin: KubeClient, user: String, groups: [String], verb: String, group: String = "", resource: String,
        namespace: String? = nil
    ) async throws -> Bool {
        var attributes: JSONValue = ["verb": .string(verb), "group": .string(group), "resource": .string(resource)]
        if let namespace { attributes["namespace"] = .string(namespace) }
        // A review must have empty metadata; an empty generateName lets `create` send one without a name.
        let review = try await admin.create([
            "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
            "metadata": ["generateName": ""],
            "spec": [
                "user": .string(user), "groups": .array(groups.map(JSONValue.string)),
                "resourceAttributes": attributes,
            ],
        ])
        return review[path: "status", "allowed"]?.boolValue == true
    }

    @Test(
        "bound to --impersonation-only's roles, the controller lists Deployments, cannot create a ConfigMap, may impersonate"
    )
    func againstTheAPIServer() async throws {
        let cluster = try await TestCluster.shared()
        let admin = try cluster.adminClient()
        defer { Task { await admin.shutdown() } }
        try await cluster.withNamespace(admin) { namespace in
            let clusterRoleName = "moor-roles-test-\(namespace)"
            var applied: [ObjectRef] = []
            do {
                for var object in try Self.install(["--impersonation-only"], namespace: namespace) {
                    switch object["kind"]?.stringValue {
                    case "ServiceAccount", "Role", "RoleBinding": break
                    case "ClusterRole", "ClusterRoleBinding":
                        object[path: "metadata", "name"] = .string(clusterRoleName)
                        if object["roleRef"] != nil { object[path: "roleRef", "name"] = .string(clusterRoleName) }
                    default: continue
                    }
                    _ = try await admin.apply(object, fieldManager: "moor-roles-test")
                    if let ref = ObjectRef(object: object), ref.namespace.isEmpty { applied.append(ref) }
                }
                let identity = KubeImpersonation.serviceAccount(namespace: namespace, name: "moor-controller")
                let controller = admin.impersonating(identity)
                let deployments = try await controller.resource(apiVersion: "apps/v1", kind: "Deployment")
                try await Self.eventually {
                    _ = try await controller.list(deployments, namespace: nil)
                }
                let denied = await #expect(throws: KubeAPIError.self) {
                    _ = try await controller.create([
                        "apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": ["name": "not-allowed", "namespace": .string(namespace)],
                    ])
                }
                #expect(denied?.code == .forbidden)
                #expect(denied?.detail.contains("may not create configmaps in namespace \(namespace)") == true)
                _ = try await controller.create([
                    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                    "metadata": ["name": "moor-controller", "namespace": .string(namespace)],
                    "spec": ["holderIdentity": "test"],
                ])
                let user = identity.user
                #expect(
                    try await Self.allowed(
                        admin, user: user, groups: identity.groups, verb: "impersonate", resource: "serviceaccounts",
                        namespace: "team-a"))
                #expect(
                    try await !Self.allowed(
                        admin, user: user, groups: identity.groups, verb: "impersonate", resource: "users"))
                #expect(
                    try await !Self.allowed(
                        admin, user: user, groups: identity.groups, verb: "delete", group: "apps",
                        resource: "deployments", namespace: "team-a"))
                #expect(
                    try await !Self.allowed(
                        admin, user: user, groups: identity.groups, verb: "create", group: "coordination.k8s.io",
                        resource: "leases", namespace: "team-a"))
            } catch {
                for ref in applied { try? await admin.delete(ref) }
                throw error
            }
            for ref in applied { try? await admin.delete(ref) }
        }
    }

    /// Runs `body` until it stops throwing Forbidden (RBAC caches take a moment to see a new binding).
    static func eventually(_ body: () async throws -> Void) async throws {
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
