import Foundation
import MoorCore
import MoorTestSupport
import Testing

@testable import KubeClient

/// These run against a real kube-apiserver (see `TestCluster`), never a fake.
@Suite("KubeClient against a real API server")
struct KubeClientIntegrationTests {
    static func configMap(_ name: String, namespace: String, data: JSONValue = ["k": "v"]) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "data": data,
        ]
    }

    static func ref(_ name: String, namespace: String) -> ObjectRef {
        ObjectRef(group: "", version: "v1", kind: "ConfigMap", namespace: namespace, name: name)
    }

    @Test("token and client-certificate users both authenticate")
    func authentication() async throws {
        let cluster = try await TestCluster.shared()
        let admin = try cluster.adminClient()
        defer { Task { await admin.shutdown() } }
        let ns = try await admin.get(ObjectRef(group: "", version: "v1", kind: "Namespace", name: "default"))
        #expect(ns[path: "metadata", "name"] == "default")
        guard let certificateKubeconfig = cluster.certificateKubeconfig else { return }
        let byCertificate = try KubeClient(kubeconfig: [certificateKubeconfig])
        defer { Task { await byCertificate.shutdown() } }
        #expect(byCertificate.connection.user.clientCertificate != nil)
        #expect(byCertificate.connection.user.token == nil)
        let again = try await byCertificate.get(ObjectRef(group: "", version: "v1", kind: "Namespace", name: "default"))
        #expect(again[path: "metadata", "uid"] == ns[path: "metadata", "uid"])
    }

    @Test("the namespace-limited user works in its namespace and gets Forbidden elsewhere")
    func forbiddenOutsideNamespace() async throws {
        let cluster = try await TestCluster.shared()
        guard let limitedKubeconfig = cluster.limitedKubeconfig else { return }
        let limited = try KubeClient(kubeconfig: [limitedKubeconfig])
        defer { Task { await limited.shutdown() } }
        let name = "lim-" + UUID().uuidString.prefix(8).lowercased()
        _ = try await limited.apply(Self.configMap(name, namespace: cluster.limitedNamespace), fieldManager: "moor")
        try await limited.delete(Self.ref(name, namespace: cluster.limitedNamespace))
        let error = await #expect(throws: KubeAPIError.self) {
            _ = try await limited.apply(Self.configMap(name, namespace: "default"), fieldManager: "moor")
        }
        #expect(error?.code == .forbidden)
        #expect(error?.description.contains("ConfigMap default/\(name)") == true)
        #expect(error?.description.contains("forbidden") == true)
    }

    @Test("a wrong token gives Unauthorized with a clear message")
    func wrongToken() async throws {
        let cluster = try await TestCluster.shared()
        var connection = try KubeConfig.load(files: [cluster.adminKubeconfig]).connection()
        connection.user = KubeConfig.User()
        connection.user.token = "not-a-valid-token"
        let client = try KubeClient(connection: connection)
        defer { Task { await client.shutdown() } }
        let error = await #expect(throws: KubeAPIError.self) {
            _ = try await client.get(ObjectRef(group: "", version: "v1", kind: "Namespace", name: "default"))
        }
        #expect(error?.code == .unauthorized)
        #expect(error?.description.contains("credentials were rejected") == true)
        #expect(error?.description.contains("not-a-valid-token") == false)
    }

    @Test("an exec credential plugin supplies the token")
    func execPlugin() async throws {
        let cluster = try await TestCluster.shared()
        var connection = try KubeConfig.load(files: [cluster.adminKubeconfig]).connection()
        guard let token = connection.user.token else { return }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("plugin-\(UUID().uuidString).sh")
        defer { try? FileManager.default.removeItem(at: script) }
        try """
        #!/bin/sh
        [ -n "$KUBERNETES_EXEC_INFO" ] || exit 3
        printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$MOOR_TOKEN"
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script.path)
        connection.user = KubeConfig.User()
        connection.user.exec = KubeConfig.ExecPlugin(
            command: script.path, env: ["MOOR_TOKEN": token], apiVersion: "client.authentication.k8s.io/v1")
        let client = try KubeClient(connection: connection)
        defer { Task { await client.shutdown() } }
        let ns = try await client.get(ObjectRef(group: "", version: "v1", kind: "Namespace", name: "default"))
        #expect(ns[path: "metadata", "name"] == "default")
    }

    @Test("create, get, list with a label selector, delete")
    func crud() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        defer { Task { await client.shutdown() } }
        try await cluster.withNamespace(client) { ns in
            var labelled = Self.configMap("a", namespace: ns)
            labelled[path: "metadata", "labels"] = ["team": "blue"]
            _ = try await client.create(labelled)
            _ = try await client.create(Self.configMap("b", namespace: ns))
            let again = await #expect(throws: KubeAPIError.self) { _ = try await client.create(labelled) }
            #expect(again?.code == .alreadyExists)
            let got = try await client.get(Self.ref("a", namespace: ns))
            #expect(got["data"] == ["k": "v"])
            let resource = try await client.resource(apiVersion: "v1", kind: "ConfigMap")
            #expect(resource.name == "configmaps" && resource.namespaced)
            let blue = try await client.list(resource, namespace: ns, options: ListOptions(labelSelector: "team=blue"))
            #expect(blue.items.map { $0[path: "metadata", "name"] } == ["a"])
            #expect(blue.items.first?["kind"] == "ConfigMap")
            #expect(!blue.resourceVersion.isEmpty)
            try await client.delete(Self.ref("a", namespace: ns))
            let missing = await #expect(throws: KubeAPIError.self) {
                _ = try await client.get(Self.ref("a", namespace: ns))
            }
            #expect(missing?.code == .notFound)
            #expect(missing?.description.contains("ConfigMap \(ns)/a") == true)
        }
    }

    @Test("server-side apply creates, then updates; a second manager's conflicting apply names that manager")
    func applyAndConflict() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        defer { Task { await client.shutdown() } }
        try await cluster.withNamespace(client) { ns in
            let created = try await client.apply(Self.configMap("cm", namespace: ns), fieldManager: "moor")
            #expect(created["data"] == ["k": "v"])
            let updated = try await client.apply(
                Self.configMap("cm", namespace: ns, data: ["k": "v2"]), fieldManager: "moor")
            #expect(updated["data"] == ["k": "v2"])
            let managers = updated[path: "metadata", "managedFields"]?.arrayValue?.compactMap {
                $0["manager"]?.stringValue
            }
            #expect(managers == ["moor"])
            let error = await #expect(throws: KubeAPIError.self) {
                _ = try await client.apply(
                    Self.configMap("cm", namespace: ns, data: ["k": "theirs"]), fieldManager: "other")
            }
            #expect(error?.code == .conflict)
            #expect(error?.conflictingManagers == ["moor"])
            #expect(error?.causes.contains { $0.field == ".data.k" } == true)
            let forced = try await client.apply(
                Self.configMap("cm", namespace: ns, data: ["k": "theirs"]), fieldManager: "other", force: true)
            #expect(forced["data"] == ["k": "theirs"])
        }
    }

    @Test("dry-run apply, create and delete change nothing")
    func dryRun() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        defer { Task { await client.shutdown() } }
        try await cluster.withNamespace(client) { ns in
            let preview = try await client.apply(
                Self.configMap("dry", namespace: ns), fieldManager: "moor", dryRun: true)
            #expect(preview["data"] == ["k": "v"])
            let missing = await #expect(throws: KubeAPIError.self) {
                _ = try await client.get(Self.ref("dry", namespace: ns))
            }
            #expect(missing?.code == .notFound)
            _ = try await client.apply(Self.configMap("dry", namespace: ns), fieldManager: "moor")
            _ = try await client.apply(
                Self.configMap("dry", namespace: ns, data: ["k": "new"]), fieldManager: "moor", dryRun: true)
            try await client.delete(Self.ref("dry", namespace: ns), dryRun: true)
            #expect(try await client.get(Self.ref("dry", namespace: ns))["data"] == ["k": "v"])
        }
    }

    @Test("a watch sees add, modify and delete in order")
    func watchEvents() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        defer { Task { await client.shutdown() } }
        try await cluster.withNamespace(client) { ns in
            let resource = try await client.resource(apiVersion: "v1", kind: "ConfigMap")
            let start = try await client.list(resource, namespace: ns)
            let events = client.watch(
                resource, namespace: ns, options: ListOptions(resourceVersion: start.resourceVersion))
            let writer = Task {
                _ = try await client.apply(Self.configMap("w", namespace: ns), fieldManager: "moor")
                _ = try await client.apply(Self.configMap("w", namespace: ns, data: ["k": "2"]), fieldManager: "moor")
                try await client.delete(Self.ref("w", namespace: ns))
            }
            var seen: [(WatchEvent.Kind, JSONValue?)] = []
            for try await event in events where event.kind != .bookmark && event.object[path: "metadata", "name"] == "w"
            {
                seen.append((event.kind, event.object["data"]))
                if event.kind == .deleted { break }
            }
            try await writer.value
            #expect(seen.map(\.0) == [.added, .modified, .deleted])
            #expect(seen[1].1 == ["k": "2"])
        }
    }

    @Test("a watch from a compacted version fails with Gone; the watcher relists and goes on")
    func watchGone() async throws {
        try await Self.withPodTemplates { cluster, client, ns, resource in
            let first = try await client.apply(
                Self.podTemplate("t0", namespace: ns, image: "a:1"), fieldManager: "moor")
            let oldVersion = first[path: "metadata", "resourceVersion"]!.stringValue!
            var latest = first
            for index in 2...4 {
                latest = try await client.apply(
                    Self.podTemplate("t0", namespace: ns, image: "a:\(index)"), fieldManager: "moor")
            }
            try await cluster.compactEtcd(revision: latest[path: "metadata", "resourceVersion"]!.stringValue!)
            var stale = client.watch(resource, namespace: ns, options: ListOptions(resourceVersion: oldVersion))
                .makeAsyncIterator()
            let error = await #expect(throws: KubeAPIError.self) {
                while let event = try await stale.next() { _ = event }
            }
            #expect(error?.code == .gone)
            var watcher = client.watchAll(resource, namespace: ns).makeAsyncIterator()
            guard case .listed(let items) = try await watcher.next() else {
                Issue.record("a watcher starts with a full list")
                return
            }
            #expect(items.map { $0[path: "template", "spec", "containers"]?[0]?["image"] } == ["a:4"])
            _ = try await client.apply(Self.podTemplate("t1", namespace: ns, image: "b:1"), fieldManager: "moor")
            var added: JSONValue?
            while added == nil, let change = try await watcher.next() {
                if case .event(let event) = change, event.kind == .added { added = event.object }
            }
            #expect(added?[path: "metadata", "name"] == "t1")
            #expect(added?["kind"] == "PodTemplate")
        }
    }

    /// Runs `body` with an admin client, a new namespace and the PodTemplate resource, on the local
    /// plane only: its etcd can be compacted, and it serves PodTemplates without the watch cache,
    /// straight from etcd.
    static func withPodTemplates(
        _ body: (TestCluster, KubeClient, String, APIResource) async throws -> Void
    ) async throws {
        let cluster = try await TestCluster.shared()
        guard cluster.isLocal else { return }
        let client = try cluster.adminClient()
        defer { Task { await client.shutdown() } }
        try await cluster.withNamespace(client) { ns in
            try await body(cluster, client, ns, try await client.resource(apiVersion: "v1", kind: "PodTemplate"))
        }
    }

    /// A PodTemplate with one container running `image`.
    static func podTemplate(_ name: String, namespace: String, image: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "PodTemplate",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "template": ["spec": ["containers": [["name": "c", "image": .string(image)]]]],
        ]
    }

    @Test("a paged list whose continue token expired (etcd compacted meanwhile) is read again whole")
    func expiredContinueToken() async throws {
        try await Self.withPodTemplates { cluster, client, ns, resource in
            for index in 0..<3 {
                _ = try await client.apply(
                    Self.podTemplate("t\(index)", namespace: ns, image: "a:1"), fieldManager: "moor")
            }
            let first = try await client.list(resource, namespace: ns, options: ListOptions(limit: 1))
            let token = try #require(first.continueToken)
            let newest = try await client.apply(
                Self.podTemplate("t3", namespace: ns, image: "a:1"), fieldManager: "moor")
            try await cluster.compactEtcd(revision: newest[path: "metadata", "resourceVersion"]!.stringValue!)
            let expired = await #expect(throws: KubeAPIError.self) {
                _ = try await client.list(resource, namespace: ns, options: ListOptions(limit: 1, continueToken: token))
            }
            #expect(expired?.code == .gone)
            let all = try await client.remainingPages(
                after: first, of: resource, namespace: ns, options: ListOptions(), pageSize: 1)
            #expect(all.items.compactMap { $0[path: "metadata", "name"]?.stringValue } == ["t0", "t1", "t2", "t3"])
            #expect(all.continueToken == nil)
        }
    }

    @Test("listing 1,200 ConfigMaps in pages returns each exactly once")
    func pagination() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient(maxInFlight: 16)
        defer { Task { await client.shutdown() } }
        try await cluster.withNamespace(client) { ns in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<1200 {
                    group.addTask {
                        _ = try await client.create(Self.configMap("cm-\(index)", namespace: ns))
                    }
                }
                try await group.waitForAll()
            }
            let resource = try await client.resource(apiVersion: "v1", kind: "ConfigMap")
            let before = client.requestCounts()["list", default: 0]
            let all = try await client.listAll(resource, namespace: ns, pageSize: 250)
            #expect(client.requestCounts()["list", default: 0] - before == 5)
            let names = all.items.compactMap { $0[path: "metadata", "name"]?.stringValue }
            #expect(Set(names).count == names.count)
            #expect(Set(names).isSuperset(of: (0..<1200).map { "cm-\($0)" }))
            let firstPage = try await client.list(resource, namespace: ns, options: ListOptions(limit: 100))
            #expect(firstPage.items.count == 100)
            #expect(firstPage.continueToken != nil)
        }
    }

    @Test("a CRD created mid-test is discovered and its objects can be applied")
    func crdDiscovery() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        defer { Task { await client.shutdown() } }
        let group = "t\(UInt32.random(in: 0...UInt32.max)).moor.dev"
        _ = try await client.resources()
        let unknown = await #expect(throws: KubeAPIError.self) {
            _ = try await client.resource(apiVersion: "\(group)/v1", kind: "Widget")
        }
        #expect(unknown?.code == .unknownKind)
        let crd: JSONValue = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": .string("widgets.\(group)")],
            "spec": [
                "group": .string(group), "scope": "Namespaced",
                "names": ["plural": "widgets", "singular": "widget", "kind": "Widget"],
                "versions": [
                    [
                        "name": "v1", "served": true, "storage": true,
                        "schema": [
                            "openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
                        ],
                    ]
                ],
            ],
        ]
        _ = try await client.apply(crd, fieldManager: "moor")
        var resource: APIResource?
        _ = try await Patience.waitUntil {
            resource = try? await client.resource(apiVersion: "\(group)/v1", kind: "Widget")
            return resource != nil
        }
        #expect(resource?.name == "widgets")
        #expect(resource?.namespaced == true)
        try await cluster.withNamespace(client) { ns in
            let widget: JSONValue = [
                "apiVersion": .string("\(group)/v1"), "kind": "Widget",
                "metadata": ["name": "w", "namespace": .string(ns)], "spec": ["size": 3],
            ]
            let stored = try await client.apply(widget, fieldManager: "moor")
            #expect(stored[path: "spec", "size"] == 3)
        }
        try await client.delete(
            ObjectRef(
                group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition",
                name: "widgets.\(group)"))
    }

    @Test("an invalid object's error carries the field causes")
    func invalidObject() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        defer { Task { await client.shutdown() } }
        try await cluster.withNamespace(client) { ns in
            let bad: JSONValue = [
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": "bad", "namespace": .string(ns)],
                "spec": ["ports": [["port": 80, "protocol": "BOGUS"]]],
            ]
            let error = await #expect(throws: KubeAPIError.self) {
                _ = try await client.apply(bad, fieldManager: "moor")
            }
            #expect(error?.code == .invalid)
            #expect(error?.causes.contains { $0.field == "spec.ports[0].protocol" } == true)
            #expect(error?.description.contains("Service \(ns)/bad") == true)
        }
    }

    @Test("a Deployment applied through the client gets a ReplicaSet from the controller manager")
    func deploymentGetsReplicaSet() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        defer { Task { await client.shutdown() } }
        try await cluster.withNamespace(client) { ns in
            let labels: JSONValue = ["app": "web"]
            let deployment: JSONValue = [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "namespace": .string(ns)],
                "spec": [
                    "replicas": 2, "selector": ["matchLabels": labels],
                    "template": [
                        "metadata": ["labels": labels],
                        "spec": ["containers": [["name": "web", "image": "nginx:1.25"]]],
                    ],
                ],
            ]
            _ = try await client.apply(deployment, fieldManager: "moor")
            let replicaSets = try await client.resource(apiVersion: "apps/v1", kind: "ReplicaSet")
            var owned: [JSONValue] = []
            _ = try await Patience.waitUntil {
                owned = try await client.list(replicaSets, namespace: ns).items.filter {
                    $0[path: "metadata", "ownerReferences"]?[0]?["name"] == "web"
                }
                return !owned.isEmpty
            }
            #expect(owned.count == 1)
            #expect(owned.first?[path: "spec", "replicas"] == 2)
        }
    }
}
