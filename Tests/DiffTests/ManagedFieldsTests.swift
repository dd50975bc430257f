import MoorCore
import Testing

@testable import Diff

@Suite("Managed fields: what a field manager owns")
struct ManagedFieldsTests {
    /// A live object holding `document` with one managedFields entry of `manager` owning `fields`.
    private static func live(_ document: JSONValue, manager: String = "controller", fields: String) -> JSONValue {
        var live = document
        live[path: "metadata", "managedFields"] = [
            [
                "manager": .string(manager), "operation": "Update", "fieldsType": "FieldsV1",
                "fieldsV1": Fixtures.object(fields),
            ]
        ]
        return live
    }

    private static let document: JSONValue = [
        "metadata": ["labels": ["app": "web", "tier": "front"], "finalizers": ["b", "a"]],
        "spec": [
            "replicas": 3, "args": ["x", "y"],
            "ports": [["port": 80, "targetPort": 8080], ["port": 53, "protocol": "UDP", "targetPort": 53]],
        ],
    ]

    @Test(
        "fieldsV1 trees resolve to paths in an object",
        arguments: [
            ("f:spec:\n  f:replicas: {}", ["spec.replicas"]),
            ("f:metadata:\n  f:labels:\n    .: {}\n    f:app: {}", ["metadata.labels.app"]),
            ("f:metadata:\n  f:labels:\n    .: {}", ["metadata.labels"]),
            (
                "f:spec:\n  f:ports:\n    k:{\"port\":80,\"protocol\":\"TCP\"}:\n      f:targetPort: {}",
                ["spec.ports[0].targetPort"]
            ),
            (
                "f:spec:\n  f:ports:\n    k:{\"port\":53,\"protocol\":\"UDP\"}:\n      .: {}\n      f:port: {}",
                ["spec.ports[1]"]
            ),
            ("f:metadata:\n  f:finalizers:\n    .: {}\n    v:\"a\": {}", ["metadata.finalizers[1]"]),
            ("f:spec:\n  f:args:\n    i:1: {}", ["spec.args[1]"]),
            ("f:spec:\n  f:paused: {}\n  f:ports:\n    k:{\"port\":443,\"protocol\":\"TCP\"}: {}", []),
        ])
    func resolves(fields: String, paths: [String]) {
        let owned = ManagedFieldSet(live: Self.live(Self.document, fields: fields), managers: ["controller"])
        #expect(owned.paths(in: Self.document).map { FieldPath($0).description } == paths)
    }

    @Test("only the named managers' entries count")
    func otherManagers() {
        let live = Self.live(Self.document, manager: "someone-else", fields: "f:spec:\n  f:replicas: {}")
        #expect(ManagedFieldSet(live: live, managers: ["controller"]).paths(in: Self.document).isEmpty)
    }
}
