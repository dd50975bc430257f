import Controller
import Foundation
import KubeClient
import MoorCore
import Testing

@Suite("API operations against a running controller", .serialized)
struct APIOperationsTests {
    @Test("dry run, sync, status Synced, diff of a new commit, history, sync to a revision and rollback")
    func syncRoundTrip() async throws {
        try await ServerHarness.run { harness async throws in
            let first = try await harness.repository.commit(
                "v1", files: ["app/cm.yaml": ServerHarness.configMap("cm", "1")])
            try await harness.controller.manage([harness.application("manual", automated: nil)])
            let path = "/api/v1/applications/manual"
            try await harness.eventually("manual is OutOfSync") {
                try await harness.request(.GET, path, as: .viewer).json[path: "sync", "status"] == "OutOfSync"
            }

            let dryRun = try await harness.request(.POST, "\(path)/sync", as: .operator, body: #"{"dryRun": true}"#)
            #expect(dryRun.status == 200)
            #expect(dryRun.json["dryRun"] == true)
            #expect(dryRun.json["results"]?[0]?["action"] == "created")
            #expect(try await Self.value(harness, "cm") == nil)

            let sync = try await harness.request(.POST, "\(path)/sync", as: .operator, body: "")
            #expect(sync.status == 200)
            #expect(sync.json[path: "operation", "phase"] == "Succeeded")
            #expect(sync.json["results"]?[0]?["name"] == "cm")
            #expect(try await Self.value(harness, "cm") == "1")
            try await harness.eventually("the status says Synced") {
                let detail = try await harness.request(.GET, path, as: .viewer).json
                return detail[path: "sync", "status"] == "Synced" && detail["resources"]?[0]?["status"] == "Synced"
            }

            let second = try await harness.repository.commit(
                "v2", files: ["app/cm.yaml": ServerHarness.configMap("cm", "2")])
            #expect(try await harness.request(.POST, "\(path)/refresh", as: .operator).status == 202)
            var diff = try await harness.request(.GET, "\(path)/diff", as: .viewer)
            try await harness.eventually("the diff shows the new commit") {
                diff = try await harness.request(.GET, "\(path)/diff", as: .viewer)
                return diff.json["sync"] == "OutOfSync"
            }
            #expect(diff.json["objects"]?[0]?["status"] == "OutOfSync")
            #expect(diff.json["objects"]?[0]?["diff"]?.stringValue?.contains("+  key: \"2\"") == true, "\(diff.text)")

            _ = try await harness.request(.POST, "\(path)/sync", as: .operator, body: "{}")
            #expect(try await Self.value(harness, "cm") == "2")
            let history =
                try await harness.request(.GET, "\(path)/history", as: .viewer).json["items"]?.arrayValue ?? []
            #expect(history.compactMap { $0["revision"]?.stringValue } == [second, first])
            #expect(history.first?["subject"] == "v2")

            let pinned = try await harness.request(
                .POST, "\(path)/sync", as: .operator, body: #"{"revision": "\#(first)"}"#)
            #expect(pinned.json[path: "operation", "phase"] == "Succeeded")
            #expect(try await Self.value(harness, "cm") == "1")
            let unknown = try await harness.request(
                .POST, "\(path)/sync", as: .operator, body: #"{"revision": "no-such-branch"}"#)
            #expect(unknown.status == 400)
            #expect(unknown.json[path: "error", "message"]?.stringValue?.contains("does not resolve") == true)

            let rollback = try await harness.request(.POST, "\(path)/rollback", as: .operator, body: #"{"id": 2}"#)
            #expect(rollback.status == 200, "\(rollback.text)")
            #expect(rollback.json[path: "entry", "revision"]?.stringValue == second)
            #expect(rollback.json[path: "operation", "phase"] == "Succeeded")
            #expect(rollback.json["message"]?.stringValue?.contains("automated sync is off") == true)
            #expect(try await Self.value(harness, "cm") == "2")
        }
    }

    @Test("the diff masks Secret values")
    func diffMasksSecrets() async throws {
        try await ServerHarness.run { harness async throws in
            let secret = { (value: String) in
                "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {password: \(value)}\n"
            }
            try await harness.repository.commit("secret", files: ["app/secret.yaml": secret("hunter2-first")])
            try await harness.controller.manage([harness.application("secrets", automated: nil)])
            let missing = try await harness.request(.GET, "/api/v1/applications/secrets/diff", as: .viewer)
            #expect(missing.json["objects"]?[0]?["status"] == "Missing")
            #expect(
                missing.json["objects"]?[0]?["diff"]?.stringValue?.contains("password: ++++++++") == true,
                "\(missing.text)")
            #expect(!missing.text.contains("hunter2"))

            let sync = try await harness.request(.POST, "/api/v1/applications/secrets/sync", as: .admin, body: "{}")
            #expect(sync.json[path: "operation", "phase"] == "Succeeded", "\(sync.text)")
            try await harness.repository.commit("rotate", files: ["app/secret.yaml": secret("hunter2-second")])
            // A fetch may reuse a listing of the repository made just before the commit (SourceFetcher.listingReuse).
            var changed = try await harness.request(.GET, "/api/v1/applications/secrets/diff", as: .viewer)
            try await harness.eventually("the diff shows the new commit") {
                changed = try await harness.request(.GET, "/api/v1/applications/secrets/diff", as: .viewer)
                return changed.json["sync"] == "OutOfSync"
            }
            #expect(changed.json["objects"]?[0]?["status"] == "OutOfSync", "\(changed.text)")
            #expect(changed.json["objects"]?[0]?["diff"]?.stringValue?.contains("++++++++") == true, "\(changed.text)")
            #expect(!changed.text.contains("hunter2"))
            #expect(!changed.text.contains("aHVudGVyM"))  // base64 of "hunter2"
        }
    }

    @Test("the tree links a Deployment to its ReplicaSet and the ReplicaSet to its Pod")
    func tree() async throws {
        try await ServerHarness.run { harness async throws in
            try await harness.repository.commit(
                "deployment",
                files: [
                    "app/deploy.yaml": """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: web}
                    spec:
                      replicas: 1
                      selector: {matchLabels: {app: web}}
                      template:
                        metadata: {labels: {app: web}}
                        spec: {containers: [{name: web, image: registry.invalid/web:1}]}
                    """
                ])
            try await harness.controller.manage([harness.application("app", automated: AutomatedSync())])
            var nodes: [JSONValue] = []
            try await harness.eventually("the tree shows a Pod") {
                nodes =
                    try await harness.request(.GET, "/api/v1/applications/app/tree", as: .viewer)
                    .json["nodes"]?.arrayValue ?? []
                return nodes.contains { $0["kind"] == "Pod" }
            }
            let deployment = try #require(nodes.first { $0["kind"] == "Deployment" })
            let replicaSet = try #require(nodes.first { $0["kind"] == "ReplicaSet" })
            let pod = try #require(nodes.first { $0["kind"] == "Pod" })
            #expect(deployment["parents"] == [])
            #expect(deployment["sync"] == "Synced")
            #expect(replicaSet["parents"] == [deployment["uid"]!])
            #expect(replicaSet["sync"] == .null)
            #expect(pod["parents"] == [replicaSet["uid"]!])
            #expect(pod[path: "health", "status"]?.stringValue != nil)
        }
    }

    /// The ConfigMap `name`'s `data.key` in the test namespace, `nil` when it does not exist.
    static func value(_ harness: ServerHarness, _ name: String) async throws -> String? {
        do {
            return try await harness.other.get(
                ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: harness.namespace, name: name)
            )[path: "data", "key"]?.stringValue
        } catch  where error.code == .notFound {
            return nil
        }
    }
}
