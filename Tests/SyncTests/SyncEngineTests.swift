import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import MoorYAML
import Testing

@testable import Sync

/// The sync engine against a real API server: every test works in its own namespace.
@Suite("Sync engine against a real API server")
struct SyncEngineTests {
    /// An application named `<name>-<namespace>`: the engine finds an application's objects by its label in
    /// every namespace, so two tests of the same run must never share an application name.
    static func application(
        _ name: String, namespace: String, options: [String] = [], share: Double = 0.5,
        ignore: [JSONValue] = []
    ) -> Application {
        var policy = SyncPolicy(maxPruneShare: share)
        policy.syncOptions.apply(options)
        return Application(
            name: "\(name)-\(namespace)",
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: "file:///unused"),
                destination: ApplicationDestination(namespace: namespace), syncPolicy: policy,
                ignoreDifferences: ignore))
    }

    static func manifests(_ yaml: String, file: String = "app.yaml") throws -> [ManifestObject] {
        try YAMLReader.documents(yaml).map {
            ManifestObject(object: $0.value, source: SourceLocation(file: file, line: $0.line))
        }
    }

    static func configMap(_ name: String, _ data: String = "v", annotations: String = "") -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)
        \(annotations.isEmpty ? "" : "  annotations:\n" + annotations)
        data:
          key: "\(data)"
        """
    }

    /// A hook Job `name` of phase `hook` (annotated with `prefix`) running `script` in the locally built
    /// busybox image, as `serviceAccount`.
    static func job(
        _ name: String, hook: String, prefix: String = "moor.dev", script: String = "true",
        serviceAccount: String = "default"
    ) -> String {
        """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: \(name)
          annotations:
            \(prefix)/hook: \(hook)
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              serviceAccountName: \(serviceAccount)
              containers:
              - name: run
                image: moor.local/busybox:1
                imagePullPolicy: Never
                command: [sh, -c, \(JSONValue.string(script).jsonString())]
        """
    }

    static func ref(_ kind: String, _ name: String, namespace: String, apiVersion: String = "v1") -> ObjectRef {
        ObjectRef(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }

    /// Runs `body` with an engine, its client and a fresh namespace on the shared plane, or with `pods` on the
    /// plane whose kubelet runs them (``MoorTestSupport/TestCluster/pods()``).
    func withEngine(pods: Bool = false, _ body: (SyncEngine<KubeClient>, KubeClient, String) async throws -> Void)
        async throws
    {
        let cluster = try await pods ? TestCluster.pods() : TestCluster.shared()
        let client = try cluster.adminClient()
        var engine = SyncEngine(client: client)
        engine.pollInterval = .milliseconds(100)
        engine.waveTimeout = Patience.timeout
        engine.hookTimeout = Patience.timeout
        let configured = engine
        do {
            try await cluster.withNamespace(client) { ns in try await body(configured, client, ns) }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test("a first sync creates everything; a second one is unchanged and writes nothing")
    func createThenInSync() async throws {
        try await withEngine { engine, client, ns in
            let app = Self.application("web", namespace: ns)
            let desired = try Self.manifests(
                """
                \(Self.configMap("settings"))
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 8080}]}]
                """)
            let first = try await engine.sync(app, desired: desired)
            #expect(first.succeeded, "\(first.message)")
            #expect(first.objects.map(\.action) == [.created, .created, .created])
            #expect(first.objects.map(\.ref.kind) == ["ConfigMap", "Service", "Deployment"])
            let live = try await client.get(Self.ref("ConfigMap", "settings", namespace: ns))
            #expect(
                live[path: "metadata", "annotations", "moor.dev/tracking-id"]
                    == .string("\(app.name):/ConfigMap:\(ns)/settings"))
            #expect(live[path: "metadata", "labels", "app.kubernetes.io/managed-by"] == "moor")

            let comparison = try await engine.compare(app, desired: desired)
            #expect(comparison.syncStatus == .synced)
            let before = client.requestCounts()
            let second = try await engine.sync(app, desired: desired)
            let after = client.requestCounts()
            #expect(second.succeeded)
            #expect(second.objects.allSatisfy { $0.action == .unchanged })
            #expect(second.writes == 0)
            #expect(
                after["apply-dry-run", default: 0] == before["apply-dry-run", default: 0],
                "an in-sync app needs no dry runs")
            #expect(SyncEngine<KubeClient>.writeCount(after) == SyncEngine<KubeClient>.writeCount(before))
        }
    }

    @Test("diff states: Missing, Synced, OutOfSync with changed paths, Extraneous")
    func diffStates() async throws {
        try await withEngine { engine, client, ns in
            let app = Self.application("states", namespace: ns)
            let initial = try Self.manifests(Self.configMap("a") + "\n---\n" + Self.configMap("b"))
            let missing = try await engine.compare(app, desired: initial)
            #expect(missing.objects.map(\.state) == [.missing, .missing])
            #expect(missing.syncStatus == .outOfSync)
            _ = try await engine.sync(app, desired: initial)
            let changed = try Self.manifests(Self.configMap("a", "changed"))
            let comparison = try await engine.compare(app, desired: changed, prune: true, allowMassPrune: true)
            #expect(comparison.state(of: Self.ref("ConfigMap", "a", namespace: ns))?.state == .outOfSync)
            #expect(comparison.state(of: Self.ref("ConfigMap", "a", namespace: ns))?.changedPaths == ["data.key"])
            #expect(
                comparison.state(of: Self.ref("ConfigMap", "a", namespace: ns))?.diff.contains("+  key: changed")
                    == true)
            #expect(comparison.state(of: Self.ref("ConfigMap", "b", namespace: ns))?.state == .extraneous)
            // Nothing was written by comparing.
            #expect(try await client.get(Self.ref("ConfigMap", "a", namespace: ns))["data"] == ["key": "v"])
        }
    }

    @Test("a hand edit is drift; server defaults are not")
    func driftVersusDefaults() async throws {
        try await withEngine { engine, client, ns in
            let app = Self.application("drift", namespace: ns)
            let desired = try Self.manifests(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: api}}
                  template:
                    metadata: {labels: {app: api}}
                    spec: {containers: [{name: api, image: "nginx:1.27"}]}
                """)
            _ = try await engine.sync(app, desired: desired)
            #expect(try await engine.compare(app, desired: desired).syncStatus == .synced)
            _ = try await client.mergePatch(
                Self.ref("Deployment", "api", namespace: ns, apiVersion: "apps/v1"),
                patch: ["spec": ["replicas": 5]])
            let drifted = try await engine.compare(app, desired: desired)
            #expect(drifted.syncStatus == .outOfSync)
            #expect(drifted.objects.first?.changedPaths == ["spec.replicas"])
            let healed = try await engine.sync(app, desired: desired)
            #expect(healed.objects.map(\.action) == [.configured])
            let live = try await client.get(Self.ref("Deployment", "api", namespace: ns, apiVersion: "apps/v1"))
            #expect(live[path: "spec", "replicas"] == 2)
        }
    }

    @Test("a field removed from Git is removed from the cluster; ignored differences stay Synced")
    func removedFieldsAndIgnoredDifferences() async throws {
        try await withEngine { engine, client, ns in
            let labelled = try Self.manifests(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cfg, labels: {team: blue, tier: web}}
                data: {key: v}
                """)
            let app = Self.application("removal", namespace: ns)
            _ = try await engine.sync(app, desired: labelled)
            let unlabelled = try Self.manifests(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cfg, labels: {team: blue}}
                data: {key: v}
                """)
            let comparison = try await engine.compare(app, desired: unlabelled)
            #expect(comparison.syncStatus == .outOfSync)
            #expect(comparison.objects.first?.changedPaths == ["metadata.labels.tier"])
            _ = try await engine.sync(app, desired: unlabelled)
            let live = try await client.get(Self.ref("ConfigMap", "cfg", namespace: ns))
            #expect(live[path: "metadata", "labels", "tier"] == nil)
            #expect(try await engine.compare(app, desired: unlabelled).syncStatus == .synced)

            _ = try await client.mergePatch(
                Self.ref("ConfigMap", "cfg", namespace: ns), patch: ["data": ["key": "hand-edited"]])
            let ignoring = Self.application(
                "removal", namespace: ns,
                ignore: [["kind": "ConfigMap", "jsonPointers": ["/data/key"]]])
            #expect(try await engine.compare(ignoring, desired: unlabelled).syncStatus == .synced)
            #expect(try await engine.compare(app, desired: unlabelled).syncStatus == .outOfSync)
        }
    }

    @Test("a caller's tracked objects (a controller's cache) replace listing the cluster")
    func suppliedTrackedObjects() async throws {
        try await withEngine { engine, client, ns in
            let app = Self.application("supplied", namespace: ns, share: 1)
            let both = try Self.manifests(Self.configMap("a") + "\n---\n" + Self.configMap("b"))
            _ = try await engine.sync(app, desired: both)
            let tracked = [
                try await client.get(Self.ref("ConfigMap", "a", namespace: ns)),
                try await client.get(Self.ref("ConfigMap", "b", namespace: ns)),
            ]
            let lists = client.requestCounts()["list", default: 0]
            let comparison = try await engine.compare(
                app, desired: Array(both.prefix(1)), tracked: tracked, prune: true)
            #expect(client.requestCounts()["list", default: 0] == lists)
            #expect(comparison.objects.map(\.state) == [.synced, .extraneous])
            #expect(comparison.plan.prune.map(\.name) == ["b"])
        }
    }

    @Test("waves apply in order, lowest first, with Argo CD's annotation too")
    func wavesInOrder() async throws {
        try await withEngine { engine, _, ns in
            let desired = try Self.manifests(
                [
                    Self.configMap("late", annotations: "    moor.dev/sync-wave: \"5\""),
                    Self.configMap("first", annotations: "    argocd.argoproj.io/sync-wave: \"-2\""),
                    Self.configMap("middle"),
                ].joined(separator: "\n---\n"))
            let recorder = EventRecorder()
            let result = try await engine.sync(Self.application("waves", namespace: ns), desired: desired) {
                recorder.record($0)
            }
            #expect(result.succeeded)
            #expect(recorder.finishedNames() == ["first", "middle", "late"])
            #expect(recorder.phases().filter { $0.hasPrefix("wave") } == ["wave -2", "wave 0", "wave 5"])
        }
    }

    /// A hook script that creates ConfigMap `name` (`data.by: hook`) in its own namespace through the API
    /// server, with its ServiceAccount's token, as an in-cluster client does (busybox `wget` does not check
    /// the server's certificate; the point is the address and the token).
    static func createConfigMapScript(_ name: String) -> String {
        let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"},"data":{"by":"hook"}}"#
        // Tried for up to a minute: a new RoleBinding reaches the API server's authorizer, and a new Pod's
        // Service rules reach kube-proxy, a moment after they are written.
        return """
            account=/var/run/secrets/kubernetes.io/serviceaccount
            for attempt in $(seq 60); do
              wget -qO- --header "Authorization: Bearer $(cat $account/token)" \
                --header "Content-Type: application/json" --post-data '\(body)' \
                "https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/$(cat $account/namespace)/configmaps" \
                && exit 0
              sleep 1
            done
            exit 1
            """
    }

    /// Creates ServiceAccount `name` in `namespace`, allowed to create ConfigMaps there, and waits for its
    /// token (Pods that use it are refused until then).
    static func configMapWriter(_ name: String, namespace: String, client: KubeClient) async throws {
        for manifest in [
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: \(name), namespace: \(namespace)}",
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: \(name), namespace: \(namespace)}
            rules: [{apiGroups: [""], resources: [configmaps], verbs: [create]}]
            """,
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: \(name), namespace: \(namespace)}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: \(name)}
            subjects: [{kind: ServiceAccount, name: \(name), namespace: \(namespace)}]
            """,
        ] {
            _ = try await client.create(try YAMLReader.value(manifest))
        }
        try await eventually {
            let account = try await client.get(Self.ref("ServiceAccount", name, namespace: namespace))
            return account["secrets"]?.arrayValue?.isEmpty == false
        }
    }

    @Test(
        "a PreSync Job really runs first: it writes a ConfigMap through the API with its ServiceAccount before the Sync phase starts; PostSync runs after"
    )
    func preSyncGates() async throws {
        try await withEngine(pods: true) { engine, client, ns in
            try await Self.configMapWriter("migrator", namespace: ns, client: client)
            let desired = try Self.manifests(
                [
                    Self.job(
                        "migrate", hook: "PreSync", script: Self.createConfigMapScript("migrated"),
                        serviceAccount: "migrator"),
                    Self.configMap("app"), Self.configMap("after", annotations: "    moor.dev/hook: PostSync"),
                ].joined(separator: "\n---\n"))
            let result = try await engine.sync(Self.application("hooks", namespace: ns), desired: desired)
            #expect(result.succeeded, "\(result.message)")
            #expect(result.objects.map(\.ref.name) == ["migrate", "app", "after"])
            #expect(result.objects.first?.action == .hookSucceeded)
            let migrated = try await client.get(Self.ref("ConfigMap", "migrated", namespace: ns))
            #expect(migrated[path: "data", "by"] == "hook", "the Job's container ran and reached the API server")
            let job = try await client.get(Self.ref("Job", "migrate", namespace: ns, apiVersion: "batch/v1"))
            #expect(job[path: "status", "succeeded"] == 1, "the job controller, not the test, completed it")
            let app = try await client.get(Self.ref("ConfigMap", "app", namespace: ns))
            let completed = try #require(job[path: "status", "completionTime"]?.stringValue)
            let created = try #require(app[path: "metadata", "creationTimestamp"]?.stringValue)
            #expect(created >= completed, "the Sync phase started after the hook completed")
            _ = try await client.get(Self.ref("ConfigMap", "after", namespace: ns))
        }
    }

    @Test("a PreSync Job that exits 1 fails the sync, runs SyncFail hooks and applies nothing else")
    func failingHook() async throws {
        try await withEngine(pods: true) { engine, client, ns in
            let desired = try Self.manifests(
                [
                    Self.job("migrate", hook: "PreSync", prefix: "argocd.argoproj.io", script: "exit 1"),
                    Self.configMap("app"),
                    Self.configMap("alert", annotations: "    argocd.argoproj.io/hook: SyncFail"),
                ]
                .joined(separator: "\n---\n"))
            let result = try await engine.sync(Self.application("failing", namespace: ns), desired: desired)
            #expect(!result.succeeded)
            #expect(result.objects.map(\.action) == [.hookFailed, .hookSucceeded])
            #expect(result.objects.last?.ref.name == "alert")
            let job = try await client.get(Self.ref("Job", "migrate", namespace: ns, apiVersion: "batch/v1"))
            #expect(job[path: "status", "failed"] == 1, "its Pod really exited 1")
            _ = try await client.get(Self.ref("ConfigMap", "alert", namespace: ns))
            let app404 = await #expect(throws: KubeAPIError.self) {
                _ = try await client.get(Self.ref("ConfigMap", "app", namespace: ns))
            }
            #expect(app404?.code == .notFound)
        }
    }

    @Test("a wave that does not become healthy stops later waves")
    func unhealthyWaveStops() async throws {
        try await withEngine { engine, client, ns in
            var impatient = engine
            impatient.waveTimeout = .seconds(2)
            let desired = try Self.manifests(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: never-ready}
                spec:
                  selector: {matchLabels: {app: never-ready}}
                  template:
                    metadata: {labels: {app: never-ready}}
                    spec: {containers: [{name: c, image: "nginx:1.27"}]}
                ---
                \(Self.configMap("next", annotations: "    moor.dev/sync-wave: \"1\""))
                """)
            let recorder = EventRecorder()
            let result = try await impatient.sync(Self.application("waits", namespace: ns), desired: desired) {
                recorder.record($0)
            }
            #expect(!result.succeeded)
            #expect(result.message.contains("wave 0 not healthy"))
            #expect(recorder.waits().first?.what == "wave 0 to be healthy: Deployment \(ns)/never-ready")
            #expect(recorder.waits().first?.timeout == .seconds(2))
            let next = await #expect(throws: KubeAPIError.self) {
                _ = try await client.get(Self.ref("ConfigMap", "next", namespace: ns))
            }
            #expect(next?.code == .notFound, "no kubelet runs here, so the Deployment never becomes healthy")
        }
    }

    @Test("hook delete policies: a succeeded hook with HookSucceeded is deleted; BeforeHookCreation reruns it")
    func hookDeletePolicies() async throws {
        try await withEngine { engine, client, ns in
            let desired = try Self.manifests(
                [
                    Self.configMap(
                        "cleanup",
                        annotations: "    moor.dev/hook: PostSync\n    moor.dev/hook-delete-policy: HookSucceeded"),
                    Self.configMap("marker", annotations: "    moor.dev/hook: PreSync"),
                    Self.configMap("app"),
                ].joined(separator: "\n---\n"))
            let app = Self.application("policies", namespace: ns)
            let first = try await engine.sync(app, desired: desired)
            #expect(first.succeeded, "\(first.message)")
            let gone = await #expect(throws: KubeAPIError.self) {
                _ = try await client.get(Self.ref("ConfigMap", "cleanup", namespace: ns))
            }
            #expect(gone?.code == .notFound)
            let marker = try await client.get(Self.ref("ConfigMap", "marker", namespace: ns))
            let second = try await engine.sync(app, desired: desired)
            #expect(second.objects.first { $0.ref.name == "marker" }?.action == .hookSucceeded)
            let rerun = try await client.get(Self.ref("ConfigMap", "marker", namespace: ns))
            #expect(rerun[path: "metadata", "uid"] != marker[path: "metadata", "uid"], "the hook object was recreated")
        }
    }

    @Test("a CRD and its custom resources sync together")
    func crdAndCustomResources() async throws {
        try await withEngine { engine, client, ns in
            let group = "s\(UInt32.random(in: 0...UInt32.max)).moor.dev"
            let desired = try Self.manifests(
                """
                apiVersion: \(group)/v1
                kind: Gadget
                metadata: {name: g1}
                spec: {size: 2}
                ---
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.\(group)}
                spec:
                  group: \(group)
                  scope: Namespaced
                  names: {plural: gadgets, singular: gadget, kind: Gadget}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """)
            let result = try await engine.sync(Self.application("crd", namespace: ns), desired: desired)
            #expect(result.succeeded, "\(result.message)")
            #expect(result.objects.map(\.ref.kind) == ["CustomResourceDefinition", "Gadget"])
            let gadget = try await client.get(Self.ref("Gadget", "g1", namespace: ns, apiVersion: "\(group)/v1"))
            #expect(gadget[path: "spec", "size"] == 2)
            try await client.delete(
                ObjectRef(
                    group: "apiextensions.k8s.io", version: "v1",
                    kind: "CustomResourceDefinition", name: "gadgets.\(group)"))
        }
    }

    @Test("a field owned by another manager fails that object, naming the manager; others still report")
    func conflictWithAnotherManager() async throws {
        try await withEngine { engine, client, ns in
            let app = Self.application("conflict", namespace: ns)
            _ = try await engine.sync(app, desired: try Self.manifests(Self.configMap("shared", "mine")))
            _ = try await client.apply(
                [
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "shared", "namespace": .string(ns)],
                    "data": ["key": "theirs"],
                ], fieldManager: "ops-team", force: true)
            let desired = try Self.manifests(
                Self.configMap("shared", "mine-again") + "\n---\n" + Self.configMap("other"))
            let result = try await engine.sync(app, desired: desired)
            #expect(!result.succeeded)
            let shared = result.objects.first { $0.ref.name == "shared" }
            #expect(shared?.action == .failed)
            #expect(shared?.message.contains("ops-team") == true)
            #expect(result.objects.first { $0.ref.name == "other" }?.action == .created)
            let forced = try await engine.sync(
                Self.application("conflict", namespace: ns, options: ["ForceConflicts=true"]), desired: desired)
            #expect(forced.succeeded)
            #expect(
                try await client.get(Self.ref("ConfigMap", "shared", namespace: ns))["data"] == ["key": "mine-again"])
        }
    }

    @Test("an object the API server rejects fails naming its file and line, in its result and in the sync's message")
    func rejectedObjectNamesItsFile() async throws {
        try await withEngine { engine, _, ns in
            let app = Self.application("rejected", namespace: ns)
            let invalidLabel = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: labelled
                  labels: {tier: "not a valid label value!"}
                """
            let desired = try Self.manifests(
                Self.configMap("fine") + "\n---\n# a comment\n" + invalidLabel, file: "app/web.yaml")
            let result = try await engine.sync(app, desired: desired)
            #expect(!result.succeeded)
            let rejected = result.objects.first { $0.ref.name == "labelled" }
            #expect(rejected?.action == .failed)
            #expect(rejected?.message.hasPrefix("app/web.yaml:10: ") == true, "\(rejected?.message ?? "")")
            #expect(result.message.contains("ConfigMap \(ns)/labelled: app/web.yaml:10: "), "\(result.message)")
        }
    }

    @Test("prune deletes what Git dropped, never an untracked copy, never after an empty render, not above the cap")
    func pruneSafety() async throws {
        try await withEngine { engine, client, ns in
            let app = Self.application("prune", namespace: ns)
            let all = try Self.manifests((1...4).map { Self.configMap("cm\($0)") }.joined(separator: "\n---\n"))
            _ = try await engine.sync(app, desired: all)
            // A copy made by another tool: same labels, a tracking id that names another object.
            var copy = try await client.get(Self.ref("ConfigMap", "cm4", namespace: ns))
            copy[path: "metadata", "name"] = "copy-of-cm4"
            for key in ["uid", "resourceVersion", "creationTimestamp", "managedFields"] {
                copy[path: "metadata", key] = nil
            }
            _ = try await client.create(copy)

            let empty = await #expect(throws: SyncPlanError.self) {
                _ = try await engine.sync(app, desired: [], options: .init(prune: true))
            }
            #expect(empty?.code == .emptyRender)
            // A prune over the cap is refused, but the rest of the sync still applies.
            let capped = try await engine.sync(
                app, desired: try Self.manifests(Self.configMap("cm1", "changed")), options: .init(prune: true))
            #expect(!capped.succeeded)
            #expect(capped.message.contains("prune refused") && capped.message.contains("--allow-mass-prune"))
            #expect(capped.objects.first { $0.ref.name == "cm1" }?.action == .configured)
            #expect(capped.objects.filter { $0.action == .kept }.map(\.ref.name) == ["cm2", "cm3", "cm4"])
            #expect(try await client.get(Self.ref("ConfigMap", "cm1", namespace: ns))["data"] == ["key": "changed"])
            let names = {
                try await client.list(
                    try await client.resource(apiVersion: "v1", kind: "ConfigMap"),
                    namespace: ns
                ).items.compactMap { $0[path: "metadata", "name"]?.stringValue }
            }
            #expect(Set(try await names()).isSuperset(of: ["cm1", "cm2", "cm3", "cm4", "copy-of-cm4"]))

            let pruned = try await engine.sync(app, desired: Array(all.prefix(3)), options: .init(prune: true))
            #expect(pruned.objects.filter { $0.action == .pruned }.map(\.ref.name) == ["cm4"])
            try await eventually { !(try await names()).contains("cm4") }
            #expect(try await names().contains("copy-of-cm4"))
            let withoutPrune = try await engine.sync(app, desired: Array(all.prefix(2)))
            #expect(withoutPrune.objects.filter { $0.action == .kept }.map(\.ref.name) == ["cm3"])
        }
    }

    @Test("an object of another application fails, naming it; the rest applies; neither takes it from the other")
    func sharedObject() async throws {
        try await withEngine { engine, client, ns in
            let first = Self.application("first", namespace: ns)
            let second = Self.application("second", namespace: ns)
            let theirs = try Self.manifests(Self.configMap("shared", "one"))
            #expect(try await engine.sync(first, desired: theirs).succeeded)
            let desired = try Self.manifests(Self.configMap("shared", "two") + "\n---\n" + Self.configMap("own"))
            for _ in 0..<2 {
                let result = try await engine.sync(second, desired: desired)
                #expect(!result.succeeded)
                let shared = result.objects.first { $0.ref.name == "shared" }
                #expect(shared?.action == .failed)
                #expect(shared?.message.contains("belongs to application first-\(ns)") == true)
                #expect(result.message.contains("application first-\(ns)"))
                #expect(result.objects.first { $0.ref.name == "own" }?.action != .failed)
                let live = try await client.get(Self.ref("ConfigMap", "shared", namespace: ns))
                #expect(live["data"] == ["key": "one"])
                #expect(TrackingID.application(of: live) == first.name)
            }
            let comparison = try await engine.compare(second, desired: desired)
            #expect(comparison.sharedObjects.map(\.ref.name) == ["shared"])
            #expect(comparison.syncStatus == .outOfSync)
            #expect(try await engine.sync(first, desired: theirs).writes == 0, "the owner is still in sync")
        }
    }

    @Test("TransferFrom re-labels the object in place; the previous owner then neither prunes nor reports it")
    func transfer() async throws {
        try await withEngine { engine, client, ns in
            let old = Self.application("old", namespace: ns, share: 1)
            let new = Self.application("new", namespace: ns)
            let transfer = "    moor.dev/sync-options: TransferFrom=\(old.name)"
            let before = try await engine.sync(
                old, desired: try Self.manifests(Self.configMap("moving", "old") + "\n---\n" + Self.configMap("stays")))
            #expect(before.succeeded)
            let uid = try await client.get(Self.ref("ConfigMap", "moving", namespace: ns))[path: "metadata", "uid"]
            let moved = try await engine.sync(
                new,
                desired: try Self.manifests(
                    Self.configMap("moving", "new", annotations: transfer)))
            #expect(moved.succeeded, "\(moved.message)")
            #expect(moved.objects.first?.action == .configured)
            #expect(moved.objects.first?.message.contains("taken over from application \(old.name)") == true)
            let live = try await client.get(Self.ref("ConfigMap", "moving", namespace: ns))
            #expect(live[path: "metadata", "uid"] == uid, "re-labelled in place, not recreated")
            #expect(TrackingID.application(of: live) == new.name)
            #expect(live["data"] == ["key": "new"])

            let after = try await engine.sync(
                old, desired: try Self.manifests(Self.configMap("stays")), options: .init(prune: true))
            #expect(after.succeeded, "\(after.message)")
            #expect(!after.objects.contains { $0.ref.name == "moving" }, "the previous owner no longer sees it")
            #expect(after.writes == 0)
            _ = try await client.get(Self.ref("ConfigMap", "moving", namespace: ns))
            let again = try await engine.sync(
                new,
                desired: try Self.manifests(
                    Self.configMap("moving", "new", annotations: transfer)))
            #expect(again.succeeded && again.writes == 0)
        }
    }

    @Test("Prune=false keeps an object; Replace=true and CreateNamespace=true work")
    func syncOptions() async throws {
        try await withEngine { engine, client, ns in
            let target = "\(ns)-created"
            let app = Self.application("options", namespace: target, options: ["CreateNamespace=true"], share: 1)
            let desired = try Self.manifests(
                Self.configMap("pinned", annotations: "    moor.dev/sync-options: Prune=false") + "\n---\n"
                    + Self.configMap("replaced", annotations: "    moor.dev/sync-options: Replace=true"))
            let result = try await engine.sync(app, desired: desired)
            #expect(result.succeeded, "\(result.message)")
            let replaced = try await client.get(Self.ref("ConfigMap", "replaced", namespace: target))
            #expect(replaced[path: "metadata", "managedFields"]?[0]?["operation"] == "Update")
            let after = try await engine.sync(app, desired: Array(desired.suffix(1)), options: .init(prune: true))
            #expect(after.objects.first { $0.ref.name == "pinned" }?.action == .kept)
            _ = try await client.get(Self.ref("ConfigMap", "pinned", namespace: target))
            try await client.delete(ObjectRef(group: "", version: "v1", kind: "Namespace", name: target))
        }
    }

    @Test("a dry run reports what would change and persists nothing")
    func dryRun() async throws {
        try await withEngine { engine, client, ns in
            let app = Self.application("dry", namespace: ns)
            let result = try await engine.sync(
                app, desired: try Self.manifests(Self.configMap("x")),
                options: .init(dryRun: true))
            #expect(result.dryRun && result.succeeded)
            #expect(result.objects.map(\.action) == [.created])
            #expect(result.writes == 0)
            let missing = await #expect(throws: KubeAPIError.self) {
                _ = try await client.get(Self.ref("ConfigMap", "x", namespace: ns))
            }
            #expect(missing?.code == .notFound)
        }
    }

    @Test("a secret's values never appear in the comparison, only which keys changed")
    func secretMasking() async throws {
        try await withEngine { engine, _, ns in
            let app = Self.application("secret", namespace: ns)
            func secret(_ password: String) throws -> [ManifestObject] {
                try Self.manifests(
                    """
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: db}
                    stringData: {password: "\(password)", user: admin}
                    """)
            }
            _ = try await engine.sync(app, desired: try secret("hunter2-old-value"))
            let comparison = try await engine.compare(app, desired: try secret("s3cr3t-new-value"))
            let object = try #require(comparison.objects.first)
            #expect(object.state == .outOfSync)
            let everything = object.diff + object.changedPaths.joined() + object.message
            for secretText in ["hunter2-old-value", "s3cr3t-new-value"] {
                #expect(!everything.contains(secretText))
                #expect(!everything.contains(Data(secretText.utf8).base64EncodedString()))
            }
            #expect(object.changedPaths.contains("data.password"))
            #expect(!object.changedPaths.contains("data.user"))
        }
    }
}

/// Retries `condition` every 100 ms until it holds; records an issue after ``Patience/timeout``.
func eventually(sourceLocation: Testing.SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool)
    async throws
{
    if try await Patience.waitUntil(condition) { return }
    Issue.record("condition not met within \(Patience.timeout)", sourceLocation: sourceLocation)
}

/// Collects progress events from a sync.
final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [SyncProgress] = []

    func record(_ event: SyncProgress) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    func finishedNames() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return events.compactMap { if case .objectFinished(let result) = $0 { result.ref.name } else { nil } }
    }

    func phases() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return events.compactMap { if case .phaseStarted(let name, _) = $0 { name } else { nil } }
    }

    func waits() -> [(what: String, timeout: Duration)] {
        lock.lock()
        defer { lock.unlock() }
        return events.compactMap {
            if case .waiting(let what, _, let timeout) = $0 { (what: what, timeout: timeout) } else { nil }
        }
    }
}
