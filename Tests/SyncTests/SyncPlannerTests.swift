import MoorCore
import Testing

@testable import Sync

@Suite("Sync planning")
struct SyncPlannerTests {
    static let scopes: [String: Bool] = [
        "/Namespace": false, "/ConfigMap": true, "/Service": true, "apps/Deployment": true, "batch/Job": true,
        "apiextensions.k8s.io/CustomResourceDefinition": false, "rbac.authorization.k8s.io/ClusterRole": false,
        "/ServiceAccount": true,
    ]

    static func app(prune share: Double = 0.5, options: [String] = []) -> Application {
        var policy = SyncPolicy(maxPruneShare: share)
        policy.syncOptions.apply(options)
        return Application(
            name: "shop",
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: "file:///repo"),
                destination: ApplicationDestination(namespace: "prod"), syncPolicy: policy))
    }

    static func planner(_ app: Application = app()) -> SyncPlanner {
        SyncPlanner(application: app) { group, kind in scopes["\(group)/\(kind)"] }
    }

    static func object(
        _ kind: String, _ name: String, apiVersion: String = "v1", namespace: String? = nil,
        annotations: [String: String] = [:], line: Int = 1
    ) -> ManifestObject {
        var value: JSONValue = [
            "apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": ["name": .string(name)],
        ]
        if let namespace { value[path: "metadata", "namespace"] = .string(namespace) }
        for (key, text) in annotations { value[path: "metadata", "annotations", key] = .string(text) }
        return ManifestObject(object: value, source: SourceLocation(file: "app.yaml", line: line))
    }

    static func tracked(
        _ kind: String, _ name: String, namespace: String = "prod", app: String = "shop",
        apiVersion: String = "v1", annotations: [String: String] = [:]
    ) -> JSONValue {
        let ref = ObjectRef(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        var value = TrackingID(application: app, ref: ref).stamp(
            ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": ["name": .string(name)]])
        if !namespace.isEmpty { value[path: "metadata", "namespace"] = .string(namespace) }
        for (key, text) in annotations { value[path: "metadata", "annotations", key] = .string(text) }
        return value
    }

    @Test("namespaced objects get the destination namespace; cluster-scoped ones lose any namespace")
    func namespaces() throws {
        let plan = try Self.planner().plan(
            desired: [
                Self.object("ConfigMap", "a"), Self.object("ConfigMap", "b", namespace: "other"),
                Self.object("ClusterRole", "r", apiVersion: "rbac.authorization.k8s.io/v1", namespace: "prod"),
            ],
            tracked: [], prune: false)
        let refs = plan.syncedObjects.map(\.ref)
        #expect(refs.contains(ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: "prod", name: "a")))
        #expect(refs.contains(ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: "other", name: "b")))
        let role = plan.syncedObjects.first { $0.ref.kind == "ClusterRole" }
        #expect(role?.ref.namespace == "")
        #expect(role?.object[path: "metadata", "namespace"] == nil)
    }

    @Test(
        "an object written to another namespace than the destination, and a cluster-scoped one's namespace, are warned of"
    )
    func namespaceWarnings() throws {
        let plan = try Self.planner().plan(
            desired: [
                Self.object("ConfigMap", "a", namespace: "prod", line: 1),
                Self.object("ConfigMap", "b", namespace: "kube-system", line: 5),
                Self.object("ClusterRole", "r", apiVersion: "rbac.authorization.k8s.io/v1", namespace: "prod", line: 9),
            ],
            tracked: [], prune: false)
        #expect(
            plan.warnings == [
                "app.yaml:5: ConfigMap kube-system/b is written to namespace kube-system, not the destination namespace prod",
                "app.yaml:9: ClusterRole r is cluster-scoped; its metadata.namespace prod is ignored",
            ])
        let unset = try Self.planner().plan(desired: [Self.object("ConfigMap", "c")], tracked: [], prune: false)
        #expect(unset.warnings.isEmpty)
    }

    @Test("an admission refusing objects refuses the whole plan, naming each object with its file and line")
    func admission() throws {
        var planner = Self.planner(Self.app(options: ["CreateNamespace=true"]))
        planner.admission = ObjectAdmission { ref, namespaced in
            if !namespaced { return "\(ref.kind) \(ref.name) is cluster-scoped" }
            return ref.namespace == "kube-system" ? "namespace kube-system is not a destination" : nil
        }
        let allowed = [Self.object("ConfigMap", "a", line: 1)]
        #expect(throws: SyncPlanError.self) { try planner.plan(desired: allowed, tracked: [], prune: false) }
        planner.application = Self.app()
        let plan = try planner.plan(desired: allowed, tracked: [], prune: false)
        #expect(plan.syncedObjects.map(\.ref.name) == ["a"])
        let refused =
            allowed + [
                Self.object("ClusterRole", "r", apiVersion: "rbac.authorization.k8s.io/v1", line: 5),
                Self.object("ConfigMap", "b", namespace: "kube-system", line: 9),
            ]
        let error = #expect(throws: SyncPlanError.self) {
            try planner.plan(desired: refused, tracked: [], prune: false)
        }
        #expect(error?.code == .notPermitted)
        #expect(error?.message.contains("app.yaml:5: ClusterRole r is cluster-scoped") == true)
        #expect(error?.message.contains("app.yaml:9: namespace kube-system is not a destination") == true)
        #expect(error?.message.contains("nothing was written") == true)
        planner.application = Self.app(prune: 1)
        let pruned = #expect(throws: SyncPlanError.self) {
            try planner.plan(
                desired: allowed,
                tracked: [
                    Self.tracked("ClusterRole", "old", namespace: "", apiVersion: "rbac.authorization.k8s.io/v1")
                ], prune: true)
        }
        #expect(pruned?.code == .notPermitted)
    }

    @Test("every planned object carries the managed-by label and its tracking id")
    func stamping() throws {
        let plan = try Self.planner().plan(desired: [Self.object("ConfigMap", "a")], tracked: [], prune: false)
        let object = try #require(plan.syncedObjects.first?.object)
        #expect(object[path: "metadata", "labels", "app.kubernetes.io/managed-by"] == "moor")
        #expect(object[path: "metadata", "annotations", "moor.dev/tracking-id"] == "shop:/ConfigMap:prod/a")
        #expect(TrackingID("shop:/ConfigMap:prod/a")?.matches(object) == true)
        #expect(TrackingID("shop:apps/Deployment:prod/a")?.matches(object) == false)
        #expect(TrackingID("nonsense") == nil)
    }

    @Test("Namespaces and CRDs bootstrap; the rest goes by wave, then by kind order")
    func ordering() throws {
        let plan = try Self.planner().plan(
            desired: [
                Self.object("Deployment", "web", apiVersion: "apps/v1"),
                Self.object("Service", "web"),
                Self.object("ConfigMap", "late", annotations: ["moor.dev/sync-wave": "2"]),
                Self.object("ServiceAccount", "sa"),
                Self.object("ConfigMap", "early", annotations: ["argocd.argoproj.io/sync-wave": "-1"]),
                Self.object("Namespace", "prod"),
                Self.object("CustomResourceDefinition", "widgets.x.dev", apiVersion: "apiextensions.k8s.io/v1"),
            ], tracked: [], prune: false)
        #expect(plan.bootstrap.map(\.ref.kind) == ["Namespace", "CustomResourceDefinition"])
        #expect(plan.waves.map(\.number) == [-1, 0, 2])
        #expect(plan.waves[1].batches.map { $0.map(\.ref.kind) } == [["ServiceAccount"], ["Service"], ["Deployment"]])
        #expect(plan.waves[2].objects.map(\.ref.name) == ["late"])
    }

    @Test("hooks are split by phase under both annotation spellings; Skip objects are left out")
    func hooks() throws {
        let plan = try Self.planner().plan(
            desired: [
                Self.object("Job", "migrate", apiVersion: "batch/v1", annotations: ["moor.dev/hook": "PreSync"]),
                Self.object(
                    "Job", "smoke", apiVersion: "batch/v1",
                    annotations: [
                        "argocd.argoproj.io/hook": "PostSync",
                        "argocd.argoproj.io/hook-delete-policy": "HookSucceeded",
                    ]),
                Self.object("Job", "alert", apiVersion: "batch/v1", annotations: ["moor.dev/hook": "SyncFail"]),
                Self.object("Job", "during", apiVersion: "batch/v1", annotations: ["moor.dev/hook": "Sync"]),
                Self.object("ConfigMap", "ignored", annotations: ["moor.dev/hook": "Skip"]),
                Self.object("ConfigMap", "app"),
            ], tracked: [], prune: false)
        #expect(plan.preSyncHooks.map(\.ref.name) == ["migrate"])
        #expect(plan.preSyncHooks.first?.annotations.deletePolicies == [.beforeHookCreation])
        #expect(plan.postSyncHooks.map(\.ref.name) == ["smoke"])
        #expect(plan.postSyncHooks.first?.annotations.deletePolicies == [.hookSucceeded])
        #expect(plan.syncFailHooks.map(\.ref.name) == ["alert"])
        #expect(Set(plan.waves.flatMap(\.objects).map(\.ref.name)) == ["during", "app"])
        #expect(plan.syncedObjects.map(\.ref.name) == ["app"])
    }

    @Test("Helm hooks run at their mapped phase; test hooks are never applied nor application objects")
    func helmHooks() throws {
        let plan = try Self.planner().plan(
            desired: [
                Self.object(
                    "Job", "db-migrate", apiVersion: "batch/v1",
                    annotations: [
                        "helm.sh/hook": "pre-install,pre-upgrade", "helm.sh/hook-weight": "-5",
                        "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded",
                    ]),
                Self.object("Job", "notify", apiVersion: "batch/v1", annotations: ["helm.sh/hook": "post-upgrade"]),
                Self.object("Pod", "web-test-x7k2p", annotations: ["helm.sh/hook": "test"]),
                Self.object("Job", "drop-db", apiVersion: "batch/v1", annotations: ["helm.sh/hook": "pre-delete"]),
                Self.object("ConfigMap", "app"),
            ], tracked: [], prune: false)
        #expect(plan.preSyncHooks.map(\.ref.name) == ["db-migrate"])
        #expect(plan.preSyncHooks.first?.annotations.wave == -5)
        #expect(plan.postSyncHooks.map(\.ref.name) == ["notify"])
        #expect(plan.waves.flatMap(\.objects).map(\.ref.name) == ["app"])
        #expect(plan.syncedObjects.map(\.ref.name) == ["app"])
        #expect(plan.bootstrap.isEmpty && plan.syncFailHooks.isEmpty)
    }

    @Test("hooks of a phase are ordered by wave or Helm weight, each wave a group of its own")
    func hookWaves() throws {
        let job = { (name: String, annotations: [String: String]) in
            Self.object("Job", name, apiVersion: "batch/v1", annotations: annotations)
        }
        let plan = try Self.planner().plan(
            desired: [
                job("last", ["argocd.argoproj.io/hook": "PreSync", "argocd.argoproj.io/sync-wave": "5"]),
                job("seed", ["helm.sh/hook": "pre-install"]),
                job("schema", ["helm.sh/hook": "pre-install", "helm.sh/hook-weight": "-5"]),
                job("backup", ["moor.dev/hook": "PreSync", "moor.dev/sync-wave": "-5"]),
            ], tracked: [], prune: false)
        #expect(plan.preSyncHooks.map(\.ref.name) == ["backup", "schema", "seed", "last"])
        #expect(
            SyncPlan.groupedByWave(plan.preSyncHooks).map { $0.map(\.ref.name) }
                == [["backup", "schema"], ["seed"], ["last"]])
    }

    @Test("a hook with generateName is planned under its generateName, to be created without a name")
    func generateNameHook() throws {
        var hook = Self.object(
            "Job", "unused", apiVersion: "batch/v1", annotations: ["argocd.argoproj.io/hook": "PreSync"])
        hook.object[path: "metadata", "name"] = nil
        hook.object[path: "metadata", "generateName"] = "schema-migrate-"
        let plan = try Self.planner().plan(desired: [hook, Self.object("ConfigMap", "app")], tracked: [], prune: false)
        let planned = try #require(plan.preSyncHooks.first)
        #expect(
            planned.ref == ObjectRef(apiVersion: "batch/v1", kind: "Job", namespace: "prod", name: "schema-migrate-"))
        #expect(planned.generatesName)
        #expect(planned.object[path: "metadata", "name"] == nil)
        #expect(planned.object[path: "metadata", "namespace"] == "prod")
        #expect(
            planned.object[path: "metadata", "annotations", "moor.dev/tracking-id"]
                == "shop:batch/Job:prod/schema-migrate-")
        #expect(plan.syncedObjects.map(\.ref.name) == ["app"])
    }

    /// Live hooks as earlier syncs leave them: each carries this application's tracking id.
    static let liveHooks: [JSONValue] = [
        tracked("Job", "migrate", apiVersion: "batch/v1", annotations: ["argocd.argoproj.io/hook": "PreSync"]),
        tracked("ConfigMap", "marker", annotations: ["moor.dev/hook": "PostSync"]),
        tracked("Job", "db-migrate", apiVersion: "batch/v1", annotations: ["helm.sh/hook": "pre-install,pre-upgrade"]),
        tracked("Pod", "web-test-x7k2p", annotations: ["helm.sh/hook": "test"]),
    ]

    @Test(
        "a live hook is never extraneous, pruned or counted, whether Git still holds it or not",
        arguments: liveHooks)
    func liveHookIsNoApplicationObject(hook: JSONValue) throws {
        let tracked = [Self.tracked("ConfigMap", "app"), Self.tracked("ConfigMap", "gone"), hook]
        let plan = try Self.planner(Self.app(prune: 0.5)).plan(
            desired: [Self.object("ConfigMap", "app")], tracked: tracked, prune: true)
        #expect(plan.prune.map(\.name) == ["gone"], "one of two application objects is within the 50% cap")
        #expect(plan.keep.isEmpty)
        let empty = try Self.planner().plan(desired: [], tracked: [hook], prune: true)
        #expect(empty.prune.isEmpty && empty.keep.isEmpty, "an empty render with only hooks left is no refusal")
    }

    @Test("a bad annotation is refused naming the file and line")
    func badAnnotation() {
        let error = #expect(throws: SyncPlanError.self) {
            try Self.planner().plan(
                desired: [Self.object("ConfigMap", "a", annotations: ["moor.dev/sync-wave": "soon"], line: 7)],
                tracked: [], prune: false)
        }
        #expect(error?.code == .badAnnotation)
        #expect(error?.message.contains("app.yaml:7") == true)
    }

    @Test("prune candidates: only objects whose tracking id names this application and the object itself")
    func pruneCandidates() throws {
        var copied = Self.tracked("ConfigMap", "copy")
        copied[path: "metadata", "name"] = "elsewhere"
        let tracked = [
            Self.tracked("ConfigMap", "keep-me"), Self.tracked("ConfigMap", "gone"),
            Self.tracked("Service", "gone-too"), Self.tracked("ConfigMap", "theirs", app: "other"), copied,
            Self.tracked("ConfigMap", "pinned", annotations: ["moor.dev/sync-options": "Prune=false"]),
        ]
        let plan = try Self.planner(Self.app(prune: 1)).plan(
            desired: [Self.object("ConfigMap", "keep-me")], tracked: tracked, prune: true)
        #expect(plan.prune.map(\.name) == ["gone-too", "gone"])
        #expect(plan.keep.map(\.ref.name) == ["pinned"])
        #expect(plan.keep.map(\.reason) == [.pruneFalse])
        let noPrune = try Self.planner(Self.app(prune: 1)).plan(
            desired: [Self.object("ConfigMap", "keep-me")], tracked: tracked, prune: false)
        #expect(noPrune.prune.isEmpty)
        #expect(Set(noPrune.keep.map(\.ref.name)) == ["gone", "gone-too", "pinned"])
    }

    @Test("an empty render never prunes when objects are tracked")
    func emptyRender() throws {
        let error = #expect(throws: SyncPlanError.self) {
            try Self.planner().plan(desired: [], tracked: [Self.tracked("ConfigMap", "a")], prune: true)
        }
        #expect(error?.code == .emptyRender)
        let fresh = try Self.planner().plan(desired: [], tracked: [], prune: true)
        #expect(fresh.prune.isEmpty && fresh.syncedObjects.isEmpty)
    }

    @Test("pruning above the share cap is refused, not thrown: the rest is planned and the objects are kept")
    func pruneCap() throws {
        let tracked = (0..<4).map { Self.tracked("ConfigMap", "cm\($0)") }
        let desired = [Self.object("ConfigMap", "cm0")]
        let refused = try Self.planner().plan(desired: desired, tracked: tracked, prune: true)
        #expect(refused.refusedPrune?.code == .pruneCapExceeded)
        #expect(refused.refusedPrune?.message.contains("3 of 4") == true)
        #expect(refused.refusedPrune?.message.contains("--allow-mass-prune") == true)
        #expect(refused.prune.isEmpty)
        #expect(refused.keep.map(\.ref.name) == ["cm1", "cm2", "cm3"])
        #expect(refused.keep.allSatisfy { $0.reason == .pruneRefused })
        #expect(refused.syncedObjects.map(\.ref.name) == ["cm0"])
        let allowed = try Self.planner().plan(desired: desired, tracked: tracked, prune: true, allowMassPrune: true)
        #expect(allowed.prune.count == 3 && allowed.refusedPrune == nil)
        let underCap = try Self.planner().plan(
            desired: Array(
                desired + [
                    Self.object("ConfigMap", "cm1"),
                    Self.object("ConfigMap", "cm2"),
                ]),
            tracked: tracked, prune: true)
        #expect(underCap.prune.map(\.name) == ["cm3"])
        #expect(underCap.refusedPrune == nil)
    }

    /// Where an extraneous tracked object is, and whether prune may delete it.
    static let scopeCases: [(namespace: String, kind: String, pruned: Bool)] = [
        ("prod", "ConfigMap", true),  // the destination namespace
        ("", "ClusterRole", true),  // cluster-scoped
        ("monitoring", "ConfigMap", true),  // a namespace the render puts an object in
        ("owned", "ConfigMap", true),  // a Namespace the render defines
        ("before", "ConfigMap", true),  // the recorded previous destination
        ("staging", "ConfigMap", false),  // anywhere else: an application of the same name elsewhere
    ]

    @Test(
        "prune reaches the destination, cluster scope, the render's and the previous namespaces only",
        arguments: scopeCases)
    func pruneScope(namespace: String, kind: String, pruned: Bool) throws {
        var planner = Self.planner(Self.app(prune: 1))
        planner.previousNamespaces = ["before"]
        let apiVersion = kind == "ClusterRole" ? "rbac.authorization.k8s.io/v1" : "v1"
        let desired = [
            Self.object("ConfigMap", "keep"), Self.object("ConfigMap", "alerts", namespace: "monitoring"),
            Self.object("Namespace", "owned"),
        ]
        let stale = Self.tracked(kind, "stale", namespace: namespace, apiVersion: apiVersion)
        let plan = try planner.plan(desired: desired, tracked: [stale], prune: true)
        #expect(plan.prune.map(\.name) == (pruned ? ["stale"] : []))
        #expect(plan.keep.map(\.reason) == (pruned ? [] : [.outsideScope]))
        if !pruned {
            #expect(plan.keep.first?.message.contains("namespace staging") == true)
            #expect(plan.keep.first?.message.contains("(prod)") == true)
        }
    }

    @Test("objects of a same-named application elsewhere neither count towards the cap nor get pruned")
    func pruneScopeAndCap() throws {
        let elsewhere = (0..<9).map { Self.tracked("ConfigMap", "theirs\($0)", namespace: "staging") }
        let plan = try Self.planner().plan(
            desired: [Self.object("ConfigMap", "a")], tracked: elsewhere + [Self.tracked("ConfigMap", "b")],
            prune: true)
        #expect(plan.refusedPrune?.message.contains("1 of 1") == true, "only the object in scope counts")
        #expect(plan.keep.filter { $0.reason == .outsideScope }.count == 9)
    }

    @Test("moor delete: every tracked object in scope in reverse apply order; Prune=false, elsewhere and others' kept")
    func deletion() throws {
        let tracked = [
            Self.tracked("ConfigMap", "settings"), Self.tracked("Service", "web"),
            Self.tracked("Deployment", "web", apiVersion: "apps/v1"),
            Self.tracked("ConfigMap", "pinned", annotations: ["moor.dev/sync-options": "Prune=false"]),
            Self.tracked("ConfigMap", "theirs", app: "other"),
            Self.tracked("ConfigMap", "far", namespace: "staging"),
            Self.tracked("ClusterRole", "reader", namespace: "", apiVersion: "rbac.authorization.k8s.io/v1"),
        ]
        let plan = try Self.planner().deletion(desired: [Self.object("ConfigMap", "settings")], tracked: tracked)
        #expect(plan.delete.map(\.kind) == ["Deployment", "Service", "ClusterRole", "ConfigMap"])
        #expect(plan.keep.map(\.ref.name) == ["pinned", "far"])
        #expect(plan.keep.map(\.reason) == [.pruneFalse, .outsideScope])
    }

    /// The live object's owner, the object's `TransferFrom`, and what the sync may do.
    static let ownershipCases: [(owner: String?, transferFrom: String, expected: ObjectOwnership)] = [
        (nil, "", .own),  // not tracked by anyone: adopted
        ("shop", "", .own),  // already this application's
        ("shop", "old", .own),  // a stale TransferFrom changes nothing
        ("other", "", .shared(with: "other")),  // another application's
        ("other", "old", .shared(with: "other")),  // a transfer from a third application does not apply
        ("old", "old", .transfer(from: "old")),  // handed over explicitly
    ]

    @Test(
        "an object tracked by another application is shared unless TransferFrom names that application",
        arguments: ownershipCases)
    func ownership(owner: String?, transferFrom: String, expected: ObjectOwnership) {
        let live = owner.map { Self.tracked("ConfigMap", "a", app: $0) } ?? Self.object("ConfigMap", "a").object
        #expect(ObjectOwnership(application: "shop", live: live, transferFrom: transferFrom) == expected)
        if case .shared = expected {
            #expect(expected.message.contains("application other"))
            #expect(expected.message.contains("TransferFrom=other"))
        }
    }

    @Test("a tracking id copied onto another object makes it nobody's, and a missing object is own")
    func ownershipOfCopies() {
        var copy = Self.tracked("ConfigMap", "a", app: "other")
        copy[path: "metadata", "name"] = "b"
        #expect(ObjectOwnership(application: "shop", live: copy, transferFrom: "") == .own)
        #expect(ObjectOwnership(application: "shop", live: nil, transferFrom: "") == .own)
    }

    @Test("TransferFrom is read from the application's options and the object's annotation")
    func transferOption() throws {
        let plan = try Self.planner(Self.app(options: ["TransferFrom=old"])).plan(
            desired: [
                Self.object("ConfigMap", "a"),
                Self.object("ConfigMap", "b", annotations: ["moor.dev/sync-options": "TransferFrom=older"]),
            ],
            tracked: [], prune: false)
        #expect(plan.syncedObjects.map(\.options.transferFrom) == ["old", "older"])
    }

    @Test("duplicates after namespace defaulting and unknown kinds are refused")
    func refusals() {
        let duplicate = #expect(throws: SyncPlanError.self) {
            try Self.planner().plan(
                desired: [
                    Self.object("ConfigMap", "a", line: 1), Self.object("ConfigMap", "a", namespace: "prod", line: 9),
                ],
                tracked: [], prune: false)
        }
        #expect(duplicate?.code == .duplicateObject)
        #expect(duplicate?.message.contains("app.yaml:9") == true && duplicate?.message.contains("app.yaml:1") == true)
        let unknown = #expect(throws: SyncPlanError.self) {
            try Self.planner().plan(
                desired: [Self.object("Gadget", "g", apiVersion: "x.dev/v1")], tracked: [], prune: false)
        }
        #expect(unknown?.code == .unknownKind)
    }

    @Test("a custom resource of a CRD in the same render takes the CRD's scope")
    func crdScope() throws {
        var crd = Self.object("CustomResourceDefinition", "widgets.x.dev", apiVersion: "apiextensions.k8s.io/v1")
        crd.object["spec"] = [
            "group": "x.dev", "scope": "Namespaced", "names": ["kind": "Widget", "plural": "widgets"],
        ]
        let plan = try Self.planner().plan(
            desired: [crd, Self.object("Widget", "w", apiVersion: "x.dev/v1")], tracked: [], prune: false)
        #expect(plan.waves.first?.objects.first?.ref.namespace == "prod")
    }

    @Test("CreateNamespace=true plans the destination namespace unless the render has it")
    func createNamespace() throws {
        let plan = try Self.planner(Self.app(options: ["CreateNamespace=true"])).plan(
            desired: [Self.object("ConfigMap", "a")], tracked: [], prune: false)
        #expect(plan.namespaceToCreate?[path: "metadata", "name"] == "prod")
        let own = try Self.planner(Self.app(options: ["CreateNamespace=true"])).plan(
            desired: [Self.object("ConfigMap", "a"), Self.object("Namespace", "prod")], tracked: [], prune: false)
        #expect(own.namespaceToCreate == nil)
    }

    @Test("ports get protocol TCP for server-side apply on old API servers")
    func protocolDefaults() throws {
        var service = Self.object("Service", "web")
        service.object["spec"] = ["ports": [["port": 80], ["port": 53, "protocol": "UDP"]]]
        let plan = try Self.planner().plan(desired: [service], tracked: [], prune: false)
        let ports = plan.syncedObjects.first?.object[path: "spec", "ports"]
        #expect(ports == [["port": 80, "protocol": "TCP"], ["port": 53, "protocol": "UDP"]])
    }
}
