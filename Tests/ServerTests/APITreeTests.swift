import Health
import MoorCore
import Testing

@testable import Controller
@testable import Server

/// A custom check that judges every Pod healthy.
struct HealthyPods: CustomHealthChecks {
    func assess(_ live: JSONValue) -> ObjectHealth? {
        live["kind"] == "Pod" ? ObjectHealth(status: .healthy, message: "fine", decidedBy: .script(key: "pods")) : nil
    }
}

@Suite("Object tree: ownership links")
struct APITreeTests {
    static func object(_ kind: String, _ name: String, uid: String, owners: [String] = []) -> JSONValue {
        [
            "apiVersion": kind == "Pod" ? "v1" : "apps/v1", "kind": .string(kind),
            "metadata": [
                "name": .string(name), "namespace": "ns", "uid": .string(uid),
                "ownerReferences": .array(owners.map { ["uid": .string($0)] }),
            ],
        ]
    }

    @Test("owned objects are found through any depth and linked to their owners; others are left out")
    func ownership() {
        let candidates = [
            Self.object("Pod", "web-1-a", uid: "pod-a", owners: ["rs-1"]),
            Self.object("ReplicaSet", "web-1", uid: "rs-1", owners: ["deploy"]),
            Self.object("Pod", "stray", uid: "pod-x", owners: ["rs-other"]),
            Self.object("Pod", "bare", uid: "pod-b"),
            Self.object("Pod", "web-1-b", uid: "pod-b2", owners: ["rs-1", "unknown"]),
        ]
        let nodes = ApplicationController.owned(by: ["deploy"], among: candidates, health: .builtIn)
        #expect(nodes.map(\.ref.name) == ["web-1-a", "web-1-b", "web-1"])
        #expect(nodes.map(\.parents) == [["rs-1"], ["rs-1"], ["deploy"]])
        #expect(nodes.allSatisfy { $0.sync == nil })
    }

    @Test("without roots nothing is owned")
    func noRoots() {
        #expect(
            ApplicationController.owned(
                by: [], among: [Self.object("Pod", "p", uid: "u", owners: ["x"])], health: .builtIn
            ).isEmpty)
    }

    @Test("owned objects' health is the assessor's, and the tree's JSON says which rule or script decided")
    func decidedBy() {
        let candidates = [
            Self.object("ReplicaSet", "web-1", uid: "rs-1", owners: ["deploy"]),
            Self.object("Pod", "web-1-a", uid: "pod-a", owners: ["rs-1"]),
        ]
        let nodes = ApplicationController.owned(
            by: ["deploy"], among: candidates, health: HealthAssessor(custom: HealthyPods()))
        let json = APIRepresentation.tree(nodes)["nodes"]?.arrayValue ?? []
        let pod = json.first { $0["kind"] == "Pod" }
        let replicaSet = json.first { $0["kind"] == "ReplicaSet" }
        #expect(pod?[path: "health", "decidedBy"] == ["rule": "script", "key": "pods"])
        #expect(pod?[path: "health", "message"] == "fine")
        #expect(replicaSet?[path: "health", "decidedBy"] == ["rule": "kind", "kind": "apps/ReplicaSet"])
    }
}
