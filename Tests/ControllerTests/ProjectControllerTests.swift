import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Projects
import Testing

/// Projects against the real plane: the controller's namespace is the harness's; tenants keep their
/// Application resources in namespaces of their own, which only a project naming them admits.
@Suite("Projects govern what applications may deploy")
struct ProjectControllerTests {
    typealias Harness = ControllerHarness

    /// A ConfigMap `name` in the tenant namespace `tenant`, a ClusterRoleBinding and a ConfigMap in kube-system:
    /// what a tenant must not deploy without a project allowing it.
    static func escalation(tenant: String, suffix: String) -> [String: String] {
        [
            "app/a.yaml": Harness.configMap("a", "one"),
            "app/binding.yaml": """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: tenant-view-\(suffix)}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects: [{kind: ServiceAccount, name: default, namespace: \(tenant)}]
            """,
            "app/system.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: tenant-\(suffix), namespace: kube-system}
            data: {key: "x"}
            """,
        ]
    }

    @Test(
        "a tenant namespace no project admits is refused; a repository outside sourceRepos is refused; a project admitting both syncs"
    )
    func sourceNamespacesAndRepos() async throws {
        try await Harness.run(projectRefreshInterval: .zero) { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await Self.withTenant(harness) { tenant in
                let ref = try await Self.tenantApplication(harness, "t1", in: tenant, project: "default")
                try await harness.eventually("the default project refuses the tenant's namespace") {
                    try await Self.condition(harness, ref, "InvalidSpecError")?.contains(
                        "does not allow Applications in namespace \(tenant)") == true
                }
                #expect(try await Self.value(harness, "a", in: tenant) == nil, "nothing written")

                try await Self.createProject(
                    harness, "team",
                    spec: [
                        "sourceNamespaces": [.string(tenant)], "sourceRepos": ["https://git.example.com/team/*"],
                        "destinations": [["server": "*", "namespace": .string(tenant)]],
                    ])
                _ = try await harness.other.mergePatch(ref, patch: ["spec": ["project": "team"]])
                try await harness.eventually("the project admits the namespace but not the repository") {
                    try await Self.condition(harness, ref, "InvalidSpecError")?.contains(
                        "is not permitted by project team: add it (or a glob matching it) to spec.sourceRepos") == true
                }
                #expect(try await Self.value(harness, "a", in: tenant) == nil, "nothing written")

                try await Self.updateProject(harness, "team") { $0["sourceRepos"] = ["*"] }
                try await harness.eventually("the project allows it: synced, the condition gone") {
                    let synced = try await Self.value(harness, "a", in: tenant) == "one"
                    let condition = try await Self.condition(harness, ref, "InvalidSpecError")
                    return synced && condition == nil
                }

                _ = try await harness.other.create([
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": ["name": "debug", "namespace": .string(tenant)],
                ])
                try await Self.updateProject(harness, "team") { $0["orphanedResources"] = ["warn": true] }
                try await harness.eventually("a ConfigMap made by hand is reported as orphaned, nothing else") {
                    let message = try await Self.condition(harness, ref, "OrphanedResourceWarning")
                    return message?.contains("holds 1 orphaned resource no application tracks") == true
                        && message?.contains("ConfigMap \(tenant)/debug") == true
                }
            }
        }
    }

    @Test(
        "objects the project does not allow (cluster-scoped, kube-system) fail the whole sync with nothing written; the same objects sync once the project allows them"
    )
    func objectRules() async throws {
        try await Harness.run(projectRefreshInterval: .zero) { harness in
            try await Self.withTenant(harness) { tenant in
                let suffix = String(tenant.suffix(8))
                try await harness.repository.commit("escalate", files: Self.escalation(tenant: tenant, suffix: suffix))
                try await Self.createProject(
                    harness, "team",
                    spec: [
                        "sourceNamespaces": [.string(tenant)], "sourceRepos": ["*"],
                        "destinations": [["server": "*", "namespace": .string(tenant)]],
                    ])
                let ref = try await Self.tenantApplication(harness, "t2", in: tenant, project: "team")
                let binding = ObjectRef(
                    apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", namespace: "",
                    name: "tenant-view-\(suffix)")
                let system = ObjectRef(
                    apiVersion: "v1", kind: "ConfigMap", namespace: "kube-system", name: "tenant-\(suffix)")
                try await harness.eventually("the sync is refused naming both rules") {
                    guard let message = try await Self.condition(harness, ref, "SyncError") else { return false }
                    return message.contains("binding.yaml:1: ClusterRoleBinding")
                        && message.contains("spec.clusterResourceWhitelist")
                        && message.contains("system.yaml:1: ConfigMap") && message.contains("namespace kube-system")
                        && message.contains("nothing was written")
                }
                #expect(try await Self.value(harness, "a", in: tenant) == nil, "not even the allowed ConfigMap")
                #expect(try await Self.exists(harness, binding) == false)
                #expect(try await Self.exists(harness, system) == false)

                try await Self.updateProject(harness, "team") { spec in
                    spec["clusterResourceWhitelist"] = [
                        ["group": "rbac.authorization.k8s.io", "kind": "ClusterRoleBinding"]
                    ]
                    spec["destinations"] = [
                        ["server": "*", "namespace": .string(tenant)], ["server": "*", "namespace": "kube-system"],
                    ]
                }
                try await harness.eventually("allowed by the project, everything syncs") {
                    let synced = try await Self.value(harness, "a", in: tenant) == "one"
                    let bound = try await Self.exists(harness, binding)
                    let placed = try await Self.exists(harness, system)
                    return synced && bound && placed
                }
                try await harness.other.delete(binding)
                try await harness.other.delete(system)
            }
        }
    }

    @Test(
        "an application impersonating a ServiceAccount bound to its namespace writes there; elsewhere it is Forbidden, and the message names the ServiceAccount"
    )
    func impersonation() async throws {
        try await Harness.run(projectRefreshInterval: .zero) { harness in
            try await Self.withTenant(harness) { tenant in
                let cluster = try await TestCluster.shared()
                try await cluster.withNamespace(harness.other) { elsewhere in
                    _ = try await harness.other.create([
                        "apiVersion": "v1", "kind": "ServiceAccount",
                        "metadata": ["name": "deployer", "namespace": .string(tenant)],
                    ])
                    _ = try await harness.other.create([
                        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                        "metadata": ["name": "deployer-edit", "namespace": .string(tenant)],
                        "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"],
                        "subjects": [["kind": "ServiceAccount", "name": "deployer", "namespace": .string(tenant)]],
                    ])
                    try await harness.repository.commit("mine", files: ["app/a.yaml": Harness.configMap("a", "one")])
                    try await Self.createProject(
                        harness, "team",
                        spec: [
                            "sourceNamespaces": [.string(tenant)], "sourceRepos": ["*"],
                            "destinations": [
                                ["server": "*", "namespace": .string(tenant)],
                                ["server": "*", "namespace": .string(elsewhere)],
                            ],
                        ])
                    let ref = try await Self.tenantApplication(
                        harness, "t3", in: tenant, project: "team", serviceAccountName: "deployer")
                    try await harness.eventually("synced as the ServiceAccount in its own namespace") {
                        try await Self.value(harness, "a", in: tenant) == "one"
                    }
                    let live = try await harness.other.get(
                        ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: tenant, name: "a"))
                    let managers = live[path: "metadata", "managedFields"]?.arrayValue?.compactMap {
                        $0["manager"]?.stringValue
                    }
                    #expect(managers?.contains("moor") == true)

                    try await harness.repository.commit(
                        "and elsewhere",
                        files: [
                            "app/b.yaml": """
                            apiVersion: v1
                            kind: ConfigMap
                            metadata: {name: b, namespace: \(elsewhere)}
                            data: {key: "two"}
                            """
                        ])
                    try await harness.eventually("the write elsewhere is Forbidden, naming the ServiceAccount") {
                        guard let message = try await Self.condition(harness, ref, "SyncError") else { return false }
                        return message.contains("\(tenant)/deployer") && message.contains("configmaps")
                    }
                    #expect(try await Self.value(harness, "b", in: elsewhere) == nil)
                }
            }
        }
    }

    @Test(
        "a deny window holds automated sync, and manual sync unless manualSync; writing the operation or a refresh annotation does not get past it"
    )
    func syncWindows() async throws {
        try await Harness.run(projectRefreshInterval: .zero) { harness in
            try await harness.installApplicationDefinition()
            try await Self.installProjectDefinition(harness)
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            // Starts every midnight and lasts a day: always active, until the next midnight.
            let window: JSONValue = ["kind": "deny", "schedule": "0 0 * * *", "duration": "24h", "applications": ["*"]]
            try await Self.createProject(
                harness, "frozen",
                spec: [
                    "sourceRepos": ["*"], "destinations": [["server": "*", "namespace": "*"]], "syncWindows": [window],
                ])
            let ref = try await harness.createApplicationResource(
                "w-\(harness.namespace)", syncPolicy: ["automated": ["selfHeal": true]])
            _ = try await harness.other.mergePatch(ref, patch: ["spec": ["project": "frozen"]])
            try await harness.controller.watchApplications(namespace: harness.namespace)
            try await harness.eventually("the status says which window holds the sync, and until when") {
                guard let message = try await Self.condition(harness, ref, "SyncWindowBlocked") else { return false }
                return message.contains(
                    "automated sync is held by the deny window \"0 0 * * *\" (24h) of project frozen")
                    && message.contains(" until 20")
            }
            _ = try await harness.other.mergePatch(
                ref,
                patch: [
                    "metadata": ["annotations": ["moor.dev/refresh": "now", "argocd.argoproj.io/refresh": "hard"]],
                    "operation": ["sync": ["revision": "main"]],
                ])
            _ = try await harness.other.mergePatch(
                ref, patch: ["status": ["operationState": ["phase": "Running", "operation": ["sync": .emptyObject]]]],
                subresource: "status")
            try await harness.waitForReconciles(3)
            #expect(try await harness.value(of: "a") == nil, "neither the operation nor the annotations sync")

            await #expect(throws: ApplicationController.OperationError.self) {
                _ = try await harness.controller.sync(ref.name, .init())
            }
            do {
                _ = try await harness.controller.sync(ref.name, .init())
            } catch {
                #expect("\(error)".contains("manual sync is held by the deny window"))
            }
            #expect(try await harness.value(of: "a") == nil)

            var manual = window
            manual["manualSync"] = true
            try await Self.updateProject(harness, "frozen") { $0["syncWindows"] = [manual] }
            let outcome = try await harness.controller.sync(ref.name, .init())
            #expect(outcome.operation.phase == .succeeded, "\(outcome.operation.message)")
            #expect(try await harness.value(of: "a") == "one")

            try await Self.updateProject(harness, "frozen") { $0["syncWindows"] = [] }
            try await harness.edit("a", to: "by hand")
            try await harness.eventually("without the window, self-heal syncs again") {
                let healed = try await harness.value(of: "a") == "one"
                let condition = try await Self.condition(harness, ref, "SyncWindowBlocked")
                return healed && condition == nil
            }
        }
    }

    // MARK: - Helpers

    /// Runs `body` with a tenant namespace whose Application resources the controller watches, with the
    /// Application and AppProject CRDs installed.
    static func withTenant(_ harness: Harness, _ body: (String) async throws -> Void) async throws {
        try await harness.installApplicationDefinition()
        try await installProjectDefinition(harness)
        let cluster = try await TestCluster.shared()
        try await cluster.withNamespace(harness.other) { tenant in
            try await harness.controller.watchApplications(namespace: tenant)
            try await body(tenant)
        }
    }

    /// Installs the AppProject CRD and waits until it is served.
    static func installProjectDefinition(_ harness: Harness) async throws {
        _ = try await harness.other.apply(AppProject.customResourceDefinition, fieldManager: "moor")
        try await harness.eventually("the AppProject kind is served") {
            (try? await harness.client.resource(apiVersion: AppProject.apiVersion, kind: AppProject.kind)) != nil
        }
    }

    /// Creates AppProject `name` in the controller's namespace.
    static func createProject(_ harness: Harness, _ name: String, spec: JSONValue) async throws {
        _ = try await harness.other.create([
            "apiVersion": .string(AppProject.apiVersion), "kind": .string(AppProject.kind),
            "metadata": ["name": .string(name), "namespace": .string(harness.namespace)], "spec": spec,
        ])
    }

    /// Changes the spec of AppProject `name` with `change`.
    static func updateProject(_ harness: Harness, _ name: String, _ change: (inout JSONValue) -> Void) async throws {
        let ref = ObjectRef(
            apiVersion: AppProject.apiVersion, kind: AppProject.kind, namespace: harness.namespace, name: name)
        var project = try await harness.other.get(ref)
        var spec = project["spec"] ?? .emptyObject
        change(&spec)
        project["spec"] = spec
        _ = try await harness.other.replace(project)
    }

    /// Creates Application resource `<prefix>-<tenant>` in `tenant` deploying `app/` into `tenant` with automated
    /// sync and prune, under `project`.
    static func tenantApplication(
        _ harness: Harness, _ prefix: String, in tenant: String, project: String, serviceAccountName: String? = nil
    ) async throws -> ObjectRef {
        var spec: JSONValue = [
            "project": .string(project),
            "source": ["repoURL": .string(harness.repository.fileURL), "targetRevision": "main", "path": "app"],
            "destination": ["namespace": .string(tenant)], "syncPolicy": ["automated": ["prune": true]],
        ]
        if let serviceAccountName { spec["serviceAccountName"] = .string(serviceAccountName) }
        let name = "\(prefix)-\(tenant)"
        _ = try await harness.other.create([
            "apiVersion": .string(Application.apiVersion), "kind": .string(Application.kind),
            "metadata": ["name": .string(name), "namespace": .string(tenant)], "spec": spec,
        ])
        return ObjectRef(apiVersion: Application.apiVersion, kind: Application.kind, namespace: tenant, name: name)
    }

    /// The message of the condition `type` in the Application resource's status, if it has one.
    static func condition(_ harness: Harness, _ ref: ObjectRef, _ type: String) async throws -> String? {
        let conditions = try await harness.other.get(ref)[path: "status", "conditions"]?.arrayValue ?? []
        return conditions.first { $0["type"]?.stringValue == type }?["message"]?.stringValue
    }

    /// The `data.key` of ConfigMap `name` in `namespace`, or `nil` when there is none.
    static func value(_ harness: Harness, _ name: String, in namespace: String) async throws -> String? {
        do {
            return try await harness.other.get(
                ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: name))[path: "data", "key"]?
                .stringValue
        } catch  where error.code == .notFound {
            return nil
        }
    }

    /// Whether `ref` exists.
    static func exists(_ harness: Harness, _ ref: ObjectRef) async throws -> Bool {
        do {
            _ = try await harness.other.get(ref)
            return true
        } catch  where error.code == .notFound {
            return false
        }
    }
}
